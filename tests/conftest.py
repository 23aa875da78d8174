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
def grader() -> Iterator["object"]:
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
