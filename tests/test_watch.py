"""`dltutor watch`, driven through its `Watch` object (no terminal, no polling loop): each check
clears the screen and shows the course's progress, a pass waits for `n` instead of moving on, the
next exercise is checked on arrival, and leaving sums up what passed in this session.

The checks are real (the session-wide grader); nothing here depends on timing.

The terminal loop around it (keys, polling, debounce, Ctrl+C) is in test_cli.py."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from tutor.commands.watch_cmd import Watch

REPO = Path(__file__).resolve().parent.parent
CLEAR = "\x1b[2J"


@pytest.fixture
def make_watch(tmp_path: Path, grader):  # type: ignore[no-untyped-def]
    """make_watch(course, exercise_id) -> (Watch, workspace folder, output stream)."""
    from tutor.progress import ProgressStore
    from tutor.session import Session
    from tutor.workspace import Workspace

    sessions = []

    def make(course, exercise_id: str):  # type: ignore[no-untyped-def]
        ws = Workspace.open(tmp_path / "ws")
        session = Session(course, ws, ProgressStore(ws.progress_path), grader=grader)
        sessions.append(session)
        stream = io.StringIO()
        console = Console(file=stream, width=100, height=30, force_terminal=True,
                          color_system=None, highlight=False)
        return Watch(session, course.exercise(exercise_id), console), ws.root, stream

    yield make
    for session in sessions:
        session.progress.close()


def take(stream: io.StringIO) -> str:
    """What was written since the last call."""
    out = stream.getvalue()
    stream.seek(0)
    stream.truncate()
    return out


def test_a_pass_waits_for_n_and_the_next_exercise_is_checked_on_arrival(course, make_watch):
    watch, root, stream = make_watch(course, "relu_backward")
    watch.arrive(course.exercise("relu_backward"))
    out = take(stream)
    assert watch.checks == 1 and not watch.passed
    assert out.count(CLEAR) == 1 and "NotImplementedError" in out  # the fresh starter, checked
    total = len(course.ordered_exercises())
    assert f"0 of {total} exercises passed" in out and "relu_backward.py" in out
    assert not watch.changed()

    shutil.copyfile(REPO / "solutions" / "relu_backward.py", root / "relu_backward.py")
    assert watch.changed()
    assert watch.check()
    out = take(stream)
    nxt = watch.next_pending()
    assert nxt is not None and nxt.id != "relu_backward"
    # still on relu_backward: the report stays up until the learner presses n
    assert watch.exercise.id == "relu_backward" and watch.passed
    assert out.count(CLEAR) == 1 and "PASSED" in out
    assert f"relu_backward passed. Next up: {nxt.id}" in out and "press n" in out
    assert f"1 of {total} exercises passed" in out

    assert watch.key("h")  # a hint is printed under the report, the screen is not cleared
    out = take(stream)
    assert CLEAR not in out and watch.checks == 2

    assert watch.key("n")
    out = take(stream)
    assert watch.exercise.id == nxt.id and watch.checks == 3  # checked on arrival
    assert out.count(CLEAR) == 1 and nxt.id in out and (root / nxt.filename).is_file()

    assert watch.key("r") and watch.checks == 4
    assert watch.key("q") is False
    summary = watch.summary().plain
    assert summary.startswith("Passed this session (1): relu_backward")
    assert f"Course: 1 of {total} exercises passed" in summary
    assert f"dltutor watch {nxt.id}" in summary


def test_n_skips_what_already_passed_and_the_last_pass_ends_the_watch(mini_course, make_watch,
                                                                      monkeypatch):
    watch, root, stream = make_watch(mini_course, "double_it")
    watch.arrive(mini_course.exercise("double_it"))
    assert not watch.passed and watch.next_pending().id == "broken_check"
    # the summary says so when nothing passed
    assert watch.summary().plain.startswith("Nothing passed this session (1 check)")

    # with the other exercise passed already, passing this one passes the course
    from tutor.progress import ExerciseStatus

    real = watch.session.statuses
    monkeypatch.setattr(watch.session, "statuses",
                        lambda: {**real(), "broken_check": ExerciseStatus.PASSED})
    shutil.copyfile(REPO / "tests" / "data" / "mini_course" / "solutions" / "double_it.py",
                    root / "double_it.py")
    take(stream)
    assert watch.check() and watch.finished
    out = take(stream)
    assert "every exercise of the course" in out and "2 of 2 exercises passed" in out
    assert watch.next_pending() is None
    watch.key("n")
    assert watch.exercise.id == "double_it" and "nothing left to do" in take(stream)
    summary = watch.summary().plain
    assert "Passed this session (1): double_it" in summary and "dltutor watch" not in summary
