"""The progress store: statuses, hints, durability under a kill, recovery from corruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

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


# -- schema versions: migrations forward, a newer file only read ---------------------------------

LEGACY_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema', '1');
CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, exercise TEXT NOT NULL,
    at REAL NOT NULL, verdict TEXT NOT NULL, score REAL NOT NULL, code_hash TEXT NOT NULL);
CREATE TABLE hints (exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL, at REAL NOT NULL);
CREATE TABLE lessons_read (lesson TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE quiz_answers (lesson TEXT NOT NULL, question INTEGER NOT NULL,
    correct INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (lesson, question));
CREATE TABLE solutions_seen (exercise TEXT PRIMARY KEY, at REAL NOT NULL);
INSERT INTO attempts (exercise, at, verdict, score, code_hash) VALUES ('a', 1.0, 'pass', 1.0, 'h');
INSERT INTO hints VALUES ('a', 2, 1.0);
"""


def test_a_file_from_the_first_release_is_migrated_forward(tmp_path):
    import sqlite3

    from tutor.progress.schema import LATEST

    db = tmp_path / "p.db"
    con = sqlite3.connect(db)
    con.executescript(LEGACY_V1)
    con.close()
    store = ProgressStore(db)
    assert store.notice is None and store.persistent
    assert store.statuses() == {"a": ExerciseStatus.PASSED} and store.hints_shown("a") == 2
    store.keep_version("a", b"code", "reset")  # the new tables exist
    store.close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == LATEST
    # the first release's marker stays 1, so that release still opens the migrated file
    assert con.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "1"
    con.close()
    assert ProgressStore(db).statuses() == {"a": ExerciseStatus.PASSED}  # idempotent reopen


def test_a_file_from_a_newer_dltutor_is_only_read(tmp_path):
    import hashlib
    import sqlite3

    from tutor.progress.schema import LATEST

    db = tmp_path / "p.db"
    first = ProgressStore(db)
    first.record_attempt("a", "pass", 1.0, b"x")
    first.record_hint("a", 1)
    first.close()
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {LATEST + 1}")
    con.execute("CREATE TABLE future_things (x)")
    con.commit()
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    store = ProgressStore(db)
    assert store.read_only and not store.persistent
    assert store.notice is not None and "newer dltutor" in store.notice.message
    assert store.statuses() == {"a": ExerciseStatus.PASSED}  # what it holds is shown
    store.record_hint("a", 2)  # advances in this session, never on disk
    store.record_attempt("b", "fail", 0.0, b"y")
    assert store.hints_shown("a") == 2
    store.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob("p.db.corrupt-*"))
    assert ProgressStore(db).hints_shown("a") == 1


def test_a_failed_write_carries_on_in_memory_with_a_notice(tmp_path):
    import sqlite3

    db = tmp_path / "p.db"
    store = ProgressStore(db)
    store.record_hint("a", 1)
    # the file turns read-only under a running session (a remount, a full disk)
    store._db.close()
    store._db = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False,
                                isolation_level=None)
    store.record_hint("a", 2)
    assert not store.persistent and store.notice is not None
    assert "could not be saved" in store.notice.message
    assert store.hints_shown("a") == 2  # the session still advances
    store.close()
    assert ProgressStore(db).hints_shown("a") == 1


def test_versions_and_last_results(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    result = {"exercise": "a", "verdict": "fail", "score": 0.5}
    store.record_check("a", result, b"one", attempt=True, keep=True)
    store.record_check("a", dict(result, verdict="pass", score=1.0), b"two", attempt=True,
                       keep=True)
    store.record_check("a", dict(result, verdict="error", score=0.0), b"one", attempt=False,
                       keep=True)
    store.keep_version("a", b"three", "reset")
    versions = store.versions("a")
    assert [(v.number, v.verdict, v.reason) for v in versions] == [
        (1, "error", "check"), (2, "pass", "check"), (3, None, "reset")]
    assert store.version_content("a", 2) == b"two" and store.version_content("a", 9) is None
    assert store.latest_version("a").number == 3
    assert store.latest_version("a", excluding=versions[2].digest).number == 1
    assert store.last_result("a")[1]["verdict"] == "error"
    assert store.attempts("a") == 2 and store.status("a") is ExerciseStatus.PASSED
    assert store.versions("b") == [] and store.last_result("b") is None
    assert store.last_exercise() == "a"
    assert versions[0].when.count(":") >= 2 and "T" in versions[0].when  # ISO-8601


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_read_not_moved_aside(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    first = ProgressStore(folder / "p.db")
    first.record_attempt("a", "pass", 1.0, b"x")
    first.close()
    folder.chmod(0o555)
    try:
        store = ProgressStore(folder / "p.db")
        assert store.statuses() == {"a": ExerciseStatus.PASSED}
        assert not store.persistent and store.notice is not None
        assert not list(folder.glob("p.db.corrupt-*"))
    finally:
        folder.chmod(0o755)
