"""The progress store: statuses, hints, durability under a kill, recovery from corruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tutor.progress import ExerciseStatus, ProgressStore


def test_statuses_and_hints(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    store.record_attempt("a", "fail", 0.5, b"x")
    store.record_attempt("b", "fail", 0.0, b"x")
    store.record_attempt("b", "pass", 1.0, b"y")
    store.record_hint("a", 1)
    store.record_hint("a", 2)
    store.record_lesson_read("losses")
    store.record_quiz("losses", 0, False)
    store.record_quiz("losses", 0, True)
    store.close()
    again = ProgressStore(tmp_path / "p.db")
    assert again.statuses() == {"a": ExerciseStatus.ATTEMPTED, "b": ExerciseStatus.PASSED}
    assert again.status("c") is ExerciseStatus.NOT_STARTED
    assert again.hints_shown("a") == 2 and again.best_score("b") == 1.0
    assert again.lessons_read() == {"losses"} and again.quiz_correct("losses") == {0}
    assert again.last_exercise() == "b"


WRITER = """
import sys
from pathlib import Path
from tutor.progress import ProgressStore
store = ProgressStore(Path(sys.argv[1]))
i = 0
while True:
    store.record_attempt(f"ex{i}", "pass", 1.0, b"code")
    print(i, flush=True)   # reported saved only after the write returned
    i += 1
"""


def test_a_kill_mid_write_loses_nothing_reported_saved(tmp_path):
    db = tmp_path / "p.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            text=True)
    reported = -1
    deadline = time.monotonic() + 30
    while reported < 200 and time.monotonic() < deadline:
        reported = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    statuses = ProgressStore(db).statuses()
    assert all(f"ex{i}" in statuses for i in range(reported + 1))


def test_corrupt_database_is_moved_aside_with_a_message(tmp_path):
    db = tmp_path / "p.db"
    first = ProgressStore(db)
    first.record_attempt("a", "pass", 1.0, b"x")
    first.close()  # the app has exited; then the file gets damaged
    db.write_bytes(b"this is not a database" * 100)
    store = ProgressStore(db)
    assert store.notice is not None
    assert "moved to" in store.notice.message and "exercise files are untouched" in store.notice.message
    assert store.statuses() == {}
    store.record_attempt("b", "pass", 1.0, b"x")  # the fresh store works
    backups = list(tmp_path.glob("p.db.corrupt-*"))
    assert backups and backups[0].read_bytes().startswith(b"this is not a database")


def test_unwritable_location_degrades_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ProgressStore(blocker / "sub" / "p.db")  # parent is a file: cannot create
    assert store.notice is not None and "will not be saved" in store.notice.message
    store.record_attempt("a", "pass", 1.0, b"x")
    assert store.status("a") is ExerciseStatus.PASSED
