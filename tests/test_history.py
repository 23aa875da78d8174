"""Never losing the learner's work, and state that tells the truth: versions kept on check, reset
and restore; `file_state`; `last_result`; one idea of "attempted". Headless, with a fake grader
(the verdict is written in the file) so these are about the session, not about grading."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tutor.grading.results import CheckResult, Verdict
from tutor.progress import ExerciseStatus, ProgressStore
from tutor.progress.records import code_hash
from tutor.session import NoSuchVersion, Session, SolutionLocked
from tutor.workspace import Workspace, WorkspaceError

A = "def double_it(x):\n    return x + x  # PASS\n"
B = "def double_it(x):\n    return x * 3  # FAIL\n"
C = "def double_it(x):\n    return x * 4  # never checked\n"
BROKEN = "def double_it(x)\n    return  # SYNTAX\n"


class FakeGrader:
    """Reads the verdict from the file: `# PASS`, `# SYNTAX` (does not load), else a failure."""

    def __init__(self) -> None:
        self.checked: list[bytes] = []

    def check(self, exercise, path: Path, timeout: float | None = None) -> CheckResult:
        source = Path(path).read_text()
        self.checked.append(source.encode())
        if "# PASS" in source:
            return CheckResult(exercise.id, Verdict.PASS, 1.0, 3, 3, 5.0, "all 3 cases pass")
        if "# SYNTAX" in source:
            return CheckResult(exercise.id, Verdict.ERROR, 0.0, 0, 3, 5.0, "syntax error",
                               loaded=False)
        return CheckResult(exercise.id, Verdict.FAIL, 1 / 3, 1, 3, 5.0, "2 of 3 cases failed")


@pytest.fixture
def session(tmp_path, mini_course) -> Session:
    ws = Workspace.open(tmp_path / "ws")
    s = Session(mini_course, ws, ProgressStore(ws.progress_path), grader=FakeGrader())
    yield s
    s.progress.close()


@pytest.fixture
def ex(mini_course):
    return mini_course.exercises["double_it"]


def put(session: Session, ex, text: str) -> Path:
    return session.save(ex, text)


def test_resetting_twice_loses_nothing(session, ex):
    put(session, ex, A)
    session.check(ex)
    put(session, ex, C)  # never checked: the reset still keeps it
    bak = session.reset(ex)
    assert bak is not None and bak.read_text() == C
    assert session.reset(ex) is None  # the starter again: nothing of the learner's to keep
    assert session.workspace.is_untouched(ex)
    assert bak.read_text() == C  # the second reset did not write the starter over the .bak
    history = session.history(ex)
    assert [(v.number, v.verdict, v.reason) for v in history] == [(1, "pass", "check"),
                                                                   (2, None, "reset")]
    assert [v.number for v in history] == sorted(v.number for v in history)
    restored = session.restore(ex)  # the newest that differs from the (starter) file
    assert restored.read_text() == C
    session.restore(ex, 1)
    assert restored.read_text() == A


def test_restore_keeps_the_current_file_first(session, ex):
    put(session, ex, A)
    session.check(ex)
    put(session, ex, B)
    session.check(ex)
    put(session, ex, C)  # unsaved anywhere but in the file
    session.restore(ex, 1)
    assert session.workspace.path(ex).read_text() == A
    versions = {v.number: v for v in session.history(ex)}
    assert len(versions) == 3 and versions[3].reason == "restore" and versions[3].verdict is None
    assert session.progress.version_content(ex.id, 3) == C.encode()
    session.restore(ex)  # undo: the newest other version is the one just kept
    assert session.workspace.path(ex).read_text() == C
    assert len(session.history(ex)) == 3  # content-addressed: the same content is one version


def test_restore_errors_say_what_is_kept(session, ex):
    with pytest.raises(NoSuchVersion, match="No other version"):
        session.restore(ex)
    put(session, ex, A)
    session.check(ex)
    with pytest.raises(NoSuchVersion, match="versions 1 to 1"):
        session.restore(ex, 7)
    with pytest.raises(NoSuchVersion):
        session.restore(ex)  # the only version is the current file


def test_file_state_tells_passed_from_passed_before(session, ex):
    state = session.file_state(ex)
    assert not state.exists and state.label == "not started"
    session.workspace.ensure(ex)
    session.check(ex)  # the untouched starter
    state = session.file_state(ex)
    assert state.untouched and state.checked and state.label == "not started"
    put(session, ex, B)
    session.check(ex)
    assert session.file_state(ex).label == "attempted"
    put(session, ex, A)
    session.check(ex)
    state = session.file_state(ex)
    assert state.passed and not state.passed_before and state.label == "passed"
    assert state.version == 2 and state.score == 1.0
    put(session, ex, C)
    state = session.file_state(ex)
    assert not state.passed and state.passed_before and not state.checked
    assert state.label == "passed before" and state.version is None
    put(session, ex, A)  # back to the content that passed
    assert session.file_state(ex).label == "passed"
    assert session.file_state(ex).to_dict()["label"] == "passed"


def test_last_result_is_kept_across_sessions(session, ex, tmp_path, mini_course):
    assert session.last_result(ex) is None
    put(session, ex, B)
    result = session.check(ex)
    session.progress.close()
    again = Session(mini_course, session.workspace, ProgressStore(session.workspace.progress_path),
                    grader=FakeGrader())
    try:
        last = again.last_result(ex)
        assert last is not None and last.to_dict() == result.to_dict()
    finally:
        again.progress.close()
    session.progress = ProgressStore(session.workspace.progress_path)


def test_attempted_is_the_idea_that_unlocks_the_solution(session, ex):
    def standing() -> tuple[ExerciseStatus | None, int, bool]:
        return (session.statuses().get(ex.id), session.real_attempts(ex),
                session.solution_unlocked(ex))

    session.workspace.ensure(ex)
    session.check(ex)  # the untouched starter: not an attempt
    assert standing() == (None, 0, False)
    with pytest.raises(SolutionLocked, match="once you have attempted it"):
        session.solution(ex)
    put(session, ex, BROKEN)
    session.check(ex)  # does not load: reported, kept as a version, never an attempt
    assert standing() == (None, 0, False)
    assert session.history(ex)[0].verdict == "error"
    put(session, ex, B)
    session.check(ex)
    assert standing() == (ExerciseStatus.ATTEMPTED, 1, True)
    assert session.status(ex) is ExerciseStatus.ATTEMPTED
    assert "double_it" in session.solution(ex)


def test_starter_attempts_recorded_by_older_releases_do_not_count(session, ex):
    starter = ex.starter_path.read_bytes()
    session.progress.record_attempt(ex.id, "error", 0.0, starter)  # as before this release
    assert session.progress.statuses() == {ex.id: ExerciseStatus.ATTEMPTED}  # raw rows
    assert session.statuses() == {} and session.status(ex) is ExerciseStatus.NOT_STARTED
    assert session.real_attempts(ex) == 0 and not session.solution_unlocked(ex)
    assert session.progress.statuses({ex.id: code_hash(starter)}) == {}


def test_an_old_bak_is_kept_before_it_is_overwritten(session, ex):
    bak = session.workspace.path(ex).with_suffix(".py.bak")
    bak.write_text(B)  # left by a release that kept no versions
    put(session, ex, A)
    session.reset(ex)
    assert bak.read_text() == A
    kept = {session.progress.version_content(ex.id, v.number) for v in session.history(ex)}
    assert kept == {A.encode(), B.encode()}


def test_without_a_saving_store_reset_and_restore_write_numbered_backups(tmp_path, mini_course,
                                                                          ex):
    ws = Workspace.open(tmp_path / "ws")
    session = Session(mini_course, ws, ProgressStore(None), grader=FakeGrader())
    assert not session.progress.persistent
    put(session, ex, A)
    first = session.reset(ex)
    put(session, ex, B)
    second = session.reset(ex)
    assert first is not None and second is not None and first != second
    assert first.read_text() == A and second.read_text() == B
    assert second.name == "double_it.py.bak.2"
    put(session, ex, C)
    session.restore(ex, 1)  # in memory this session: the current file goes to a .bak too
    assert session.workspace.path(ex).read_text() == A
    assert ws.root.joinpath("double_it.py.bak.3").read_text() == C


def test_hints_advance_in_the_session_when_progress_cannot_be_saved(tmp_path, mini_course, ex):
    session = Session(mini_course, Workspace.open(tmp_path / "ws"), ProgressStore(None))
    if len(ex.hints) < 2:
        pytest.skip("needs an exercise with two hints")
    assert [session.next_hint(ex).number for _ in range(2)] == [1, 2]
    hints = session.all_hints(ex)
    assert hints[-1].last and not hints[0].last


# -- the workspace layer ---------------------------------------------------------------------------


def test_workspace_writes_are_atomic_keep_the_mode_and_follow_a_link(tmp_path, ex):
    ws = Workspace.open(tmp_path / "ws")
    path = ws.ensure(ex)
    path.chmod(0o600)
    ws.write(ex, A)
    assert path.read_text() == A and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in ws.root.iterdir() if p.name.endswith(".tmp")]
    mine = tmp_path / "elsewhere.py"
    mine.write_text(B)
    path.unlink()
    path.symlink_to(mine)
    ws.write(ex, C)
    assert path.is_symlink() and mine.read_text() == C


def test_a_vanished_workspace_is_an_error_not_recreated(tmp_path, ex):
    ws = Workspace.open(tmp_path / "ws")
    ws.root.rmdir()
    with pytest.raises(WorkspaceError, match="is gone"):
        ws.ensure(ex)
    with pytest.raises(WorkspaceError, match="is gone"):
        ws.write(ex, A)
    assert not ws.root.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_workspace_changes_nothing_on_reset(tmp_path, mini_course, ex):
    ws = Workspace.open(tmp_path / "ws")
    session = Session(mini_course, ws, ProgressStore(None), grader=FakeGrader())
    put(session, ex, A)
    ws.root.chmod(0o555)
    try:
        with pytest.raises(WorkspaceError, match="Nothing was changed"):
            session.reset(ex)
        assert ws.path(ex).read_text() == A
    finally:
        ws.root.chmod(0o755)
