"""Shared fixtures: every test runs with its own DLTUTOR_HOME, fixed seeds and terminal size, and
the slow-to-start grading worker is shared per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data directory."""
    home = tmp_path / "dltutor-home"
    monkeypatch.setenv("DLTUTOR_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "30")
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    return home


@pytest.fixture(scope="session")
def grader() -> Iterator[object]:
    from tutor.grading.client import Grader

    g = Grader()
    g.start()
    yield g
    g.close()


@pytest.fixture(scope="session")
def course():
    from tutor.course import load_course

    return load_course()


@pytest.fixture
def write(tmp_path: Path):
    """write("name.py", source) -> Path: a learner file in a fresh folder."""

    def _write(name: str, source: str) -> Path:
        path = tmp_path / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        return path

    return _write


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")


# -- the Textual app (tests/test_app_*.py) -------------------------------------------------------

MINI_COURSE = REPO / "tests" / "data" / "mini_course"


@pytest.fixture
def tutor_app(tmp_path: Path, grader):
    """tutor_app(course=None, workspace=None, **options) -> a `DLTutorApp` on the real course
    (or `course`), with its own workspace under tmp_path and the session-wide grader (which the
    app then leaves running when it exits)."""
    from tutor.app.app import DLTutorApp
    from tutor.progress import ProgressStore
    from tutor.session import Session
    from tutor.workspace import Workspace

    sessions = []

    def make(course=None, workspace: Path | None = None, **options):
        from tutor.course import load_course

        ws = Workspace.open(workspace or tmp_path / "workspace")
        session = Session(course or load_course(), ws, ProgressStore(ws.progress_path),
                          grader=grader)
        sessions.append(session)
        return DLTutorApp(session, close_session=False, **options)

    yield make
    for session in sessions:
        session.progress.close()


@pytest.fixture(scope="session")
def mini_course():
    """A tiny course: one lesson with a quiz, `double_it` (2 s timeout), `broken_check` (its
    check.py raises) and a malformed exercise.toml (a load problem)."""
    from tutor.course import load_course

    return load_course([MINI_COURSE], builtin=False)


@pytest.fixture
def wait_until():
    """await wait_until(pilot, predicate, what): let the app run until predicate() is true.
    Bounded (a generous limit so a slow machine passes), never a timing assertion."""

    async def wait(pilot, predicate, what: str = "condition", limit: float = 90.0) -> None:
        import time

        deadline = time.monotonic() + limit
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for: {what}")
            await pilot.pause(0.05)

    return wait
