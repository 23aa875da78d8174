"""One learner's session: the course, their workspace, their progress and a grader, with one
method per thing a learner does. The CLI commands and the TUI both call these, so a check from
`dltutor check`, `dltutor watch` and the app is the same check, recorded the same way, and the
rules (what an attempt is, when the solution unlocks, that no code is ever lost) live here once.

Never losing the learner's work: every content of their file that was checked, or that a reset or
a restore replaces, is kept as a version in the progress store (`history`, `restore`). When the
store cannot save (a read-only folder, a file from a newer dltutor), a reset or restore also
writes the replaced content beside the file (`<id>.py.bak`, then `.bak.2`, …), so not a byte is
lost either way.

Headless: never imports textual or torch."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tutor.course import Course, Exercise, Lesson, load_course
from tutor.course.checkpoints import (
    BadPrediction,
    Checkpoint,
    CheckpointOutcome,
    actual_choice,
    judge,
    parse_prediction,
    show,
)
from tutor.grading.client import Grader
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.snippet import SnippetResult
from tutor.progress import ATTEMPT_MEANING, ExerciseStatus, FileState, ProgressStore, Version
from tutor.progress.records import code_hash, digest
from tutor.workspace import Workspace

__all__ = ["ATTEMPT_MEANING", "MIN_ATTEMPTS_FOR_SOLUTION", "BadPrediction", "FileState", "Hint",
           "NoSuchVersion", "Session", "SolutionLocked", "Version"]

MIN_ATTEMPTS_FOR_SOLUTION = 1


class SolutionLocked(Exception):
    """The learner asked for a solution before attempting the exercise; the message says what
    to do."""


class NoSuchVersion(LookupError):
    """`restore` was asked for a version that is not kept; the message says what is."""


@dataclass(frozen=True)
class Hint:
    number: int  #: 1-based
    total: int
    text: str

    @property
    def last(self) -> bool:
        return self.number >= self.total


class Session:
    def __init__(self, course: Course, workspace: Workspace, progress: ProgressStore,
                 grader: Grader | None = None) -> None:
        self.course = course
        self.workspace = workspace
        self.progress = progress
        self._grader = grader
        self._isolation_noted = False
        self._starters: dict[str, bytes] = {}

    @classmethod
    def open(cls, workspace: Path | None = None, packs: tuple[Path, ...] = ()) -> Session:
        ws = Workspace.open(workspace)
        return cls(load_course(packs), ws, ProgressStore(ws.progress_path))

    @property
    def grader(self) -> Grader:
        if self._grader is None:
            self._grader = Grader()
            self._grader.start()
        return self._grader

    def close(self) -> None:
        if self._grader is not None:
            self._grader.close()
        self.progress.close()

    def _starter(self, exercise: Exercise) -> bytes:
        if exercise.id not in self._starters:
            try:
                self._starters[exercise.id] = exercise.starter_path.read_bytes()
            except OSError:
                self._starters[exercise.id] = b""
        return self._starters[exercise.id]

    # -- checking -----------------------------------------------------------------------------

    def check(self, exercise: Exercise, file: Path | None = None, *,
              record: bool = True, timeout: float | None = None) -> CheckResult:
        """Check the learner's file (or `file`) and record it: the report as the exercise's last
        result, the content as a version (unless it is the starter), and an attempt when it is
        one (see `ATTEMPT_MEANING`: a file that does not load, or the untouched starter, is
        reported but never counted)."""
        path = Path(file) if file else self.workspace.ensure(exercise)
        try:
            source: bytes | None = path.read_bytes()  # what the grader is about to read
        except OSError:
            source = None
        result = self.grader.check(exercise, path, timeout=timeout)
        if record and result.verdict is not Verdict.MISSING and source is not None:
            own = source != self._starter(exercise)
            self.progress.record_check(exercise.id, result.to_dict(), source,
                                       attempt=own and result.loaded, keep=own)
        return result

    def last_result(self, exercise: Exercise) -> CheckResult | None:
        """The report of the exercise's last recorded check (to show when it opens again)."""
        stored = self.progress.last_result(exercise.id)
        if stored is None:
            return None
        try:
            return CheckResult.from_dict(stored[1])
        except (KeyError, TypeError, ValueError):
            return None

    def isolation_notice(self) -> str | None:
        """Once per session, after a check: a line saying the learner's code ran with partial
        isolation, where the kernel refused part of the jail (never silently)."""
        if self._isolation_noted or self._grader is None:
            return None
        self._isolation_noted = True
        isolation = self._grader.isolation()
        if isolation.full:
            return None
        return (f"Your code ran with partial isolation ({isolation.summary()}); "
                "`dltutor doctor` says why.")

    # -- standing -----------------------------------------------------------------------------

    def statuses(self) -> dict[str, ExerciseStatus]:
        """Every exercise with an attempt: attempted or passed (the words of `dltutor list`)."""
        starters = {e.id: code_hash(self._starter(e)) for e in self.course.exercises.values()}
        return self.progress.statuses(starters)

    def status(self, exercise: Exercise) -> ExerciseStatus:
        return self.progress.status(exercise.id, code_hash(self._starter(exercise)))

    def real_attempts(self, exercise: Exercise) -> int:
        """How many different contents were attempted (see `ATTEMPT_MEANING`): what makes an
        exercise "attempted" and unlocks its solution."""
        return self.progress.distinct_attempts(exercise.id,
                                               excluding_hash=code_hash(self._starter(exercise)))

    def file_state(self, exercise: Exercise) -> FileState:
        """What is true of the learner's current file: see `FileState`."""
        status = self.status(exercise)
        try:
            content = self.workspace.path(exercise).read_bytes()
        except OSError:
            return FileState(exists=False, untouched=True, digest=None, verdict=None,
                             score=None, version=None, status=status)
        key = digest(content)
        kept = self.progress.version_of(exercise.id, key)
        verdict, score = (kept.verdict, kept.score) if kept else (None, None)
        if verdict is None:
            last = self.progress.last_result(exercise.id)
            if last is not None and last[0] == key:
                verdict, score = str(last[1].get("verdict")), float(last[1].get("score", 0.0))
        return FileState(exists=True, untouched=content == self._starter(exercise), digest=key,
                         verdict=verdict, score=score,
                         version=kept.number if kept else None, status=status)

    # -- hints and solutions ------------------------------------------------------------------

    def next_hint(self, exercise: Exercise) -> Hint | None:
        """Unlock and return the next hint (or the last one again once all are shown). Where
        progress cannot be saved, this still advances within the session (in memory)."""
        if not exercise.hints:
            return None
        shown = min(self.progress.hints_shown(exercise.id) + 1, len(exercise.hints))
        self.progress.record_hint(exercise.id, shown)
        return Hint(shown, len(exercise.hints), exercise.hints[shown - 1])

    def hints_unlocked(self, exercise: Exercise) -> list[Hint]:
        n = min(self.progress.hints_shown(exercise.id), len(exercise.hints))
        return self.all_hints(exercise)[:n]

    def all_hints(self, exercise: Exercise) -> list[Hint]:
        return [Hint(i + 1, len(exercise.hints), text) for i, text in enumerate(exercise.hints)]

    def solution_unlocked(self, exercise: Exercise) -> bool:
        """The one rule: the solution shows once the exercise is attempted (or passed)."""
        return (self.status(exercise) is ExerciseStatus.PASSED
                or self.real_attempts(exercise) >= MIN_ATTEMPTS_FOR_SOLUTION)

    def solution(self, exercise: Exercise, *, force: bool = False) -> str:
        if exercise.solution_path is None:
            raise SolutionLocked(f"{exercise.id} has no reference solution")
        if not force and not self.solution_unlocked(exercise):
            raise SolutionLocked(
                f"The solution to {exercise.id} unlocks once you have attempted it: edit "
                f"{self.workspace.path(exercise)} and run `dltutor check {exercise.id}` "
                f"({ATTEMPT_MEANING}). Hints help meanwhile: `dltutor hint {exercise.id}`.")
        self.progress.record_solution_seen(exercise.id)
        return exercise.solution_path.read_text(encoding="utf-8")

    # -- lessons: runnable blocks and "predict, then run" ----------------------------------------

    def _unseen(self) -> tuple[Path, ...]:
        """What lesson code must not see when it runs: every course folder (packs too) and the
        learner's workspace (a scratch edit is the learner's code, never their exercise)."""
        folders = {lesson.path.parent for lesson in self.course.lessons}
        for exercise in self.course.exercises.values():
            folders.add(exercise.directory.parent)
            if exercise.solution_path is not None:
                folders.add(exercise.solution_path.parent)
        folders.add(self.workspace.root)
        return tuple(sorted(folders))

    def run_code(self, code: str, *, expect: str | None = None) -> SnippetResult:
        """Run a lesson's code block (or the learner's scratch edit of one) in the jail."""
        return self.grader.run_snippet(code, expect=expect, protected=self._unseen())

    def answer_checkpoint(self, lesson: Lesson, checkpoint: Checkpoint,
                          prediction: str) -> tuple[CheckpointOutcome | None, SnippetResult]:
        """The learner's prediction, then the real value from the checkpoint's own code, side
        by side, recorded in progress. Raises `BadPrediction` (nothing run, nothing recorded)
        when the prediction is not a value of the checkpoint's kind. The outcome is None when
        the code did not yield a value (the `SnippetResult` says why: a broken lesson)."""
        predicted = parse_prediction(checkpoint, prediction)
        result = self.run_code(checkpoint.code, expect=checkpoint.expect)
        actual = result.value
        if result.ok and checkpoint.expect == "choice":
            actual = actual_choice(checkpoint, actual)
            if actual is None:
                result = replace(result, status="no_value",
                                 error=f"`answer` is {result.value!r}, none of the choices")
        if not result.ok or actual is None:
            return None, result
        outcome = CheckpointOutcome(
            checkpoint=checkpoint.id, prediction=show(checkpoint, predicted),
            actual=show(checkpoint, actual), verdict=judge(checkpoint, predicted, actual),
            explanation=checkpoint.explanation, output=result.output)
        self.progress.record_checkpoint(lesson.id, checkpoint.id, outcome.prediction,
                                        outcome.actual, outcome.verdict)
        return outcome, result

    def checkpoint_answers(self, lesson: Lesson) -> dict[str, CheckpointOutcome]:
        """The latest recorded answer at each of the lesson's checkpoints that has one."""
        stored = self.progress.checkpoint_answers(lesson.id)
        return {c.id: CheckpointOutcome(c.id, stored[c.id]["prediction"],
                                        stored[c.id]["actual"], stored[c.id]["verdict"],
                                        c.explanation)
                for c in lesson.checkpoints if c.id in stored}

    # -- the learner's file: save, reset, history, restore ------------------------------------

    def save(self, exercise: Exercise, text: str) -> Path:
        """Write the learner's file atomically (an editor's save)."""
        return self.workspace.write(exercise, text)

    def reset(self, exercise: Exercise) -> Path | None:
        """Put the starter back. The replaced code is kept as a version and written to
        `<id>.py.bak`; returns that file (None when there was nothing of the learner's)."""
        current = self.workspace.read(exercise)
        starter = self._starter(exercise)
        backup = None
        if current is not None and current != starter:
            self._keep_old_backup(exercise)
            self.progress.keep_version(exercise.id, current, "reset")
            backup = self.workspace.backup(exercise, current, overwrite=self.progress.persistent)
        self.workspace.write(exercise, starter)
        return backup

    def _keep_old_backup(self, exercise: Exercise) -> None:
        """A `.bak` about to be overwritten is kept as a version first (one from before versions
        were kept holds code found nowhere else), dated by its modification time."""
        bak = self.workspace.path(exercise).with_suffix(".py.bak")
        try:
            content, at = bak.read_bytes(), bak.stat().st_mtime
        except OSError:
            return
        if content != self._starter(exercise):
            self.progress.keep_version(exercise.id, content, "reset", at=at)

    def history(self, exercise: Exercise) -> list[Version]:
        """Every kept version of the learner's file, oldest first."""
        return self.progress.versions(exercise.id)

    def restore(self, exercise: Exercise, number: int | None = None) -> Path:
        """Put version `number` back into the learner's file (None: the newest version that
        differs from the current file). The current file is kept as a version first, so restore
        never loses a byte either. Raises `NoSuchVersion` when there is none to restore."""
        current = self.workspace.read(exercise)
        current_key = digest(current) if current is not None else None
        target: Version | None
        if number is None:
            target = self.progress.latest_version(exercise.id, excluding=current_key)
            if target is None:
                raise NoSuchVersion(
                    f"No other version of {exercise.id} is kept yet: a version is kept each "
                    "time you check your file, reset it or restore another.")
        else:
            versions = self.history(exercise)
            target = next((v for v in versions if v.number == number), None)
            if target is None:
                kept = (f"versions 1 to {len(versions)} are kept" if versions
                        else "no version is kept yet")
                raise NoSuchVersion(f"{exercise.id} has no version {number}: {kept} "
                                    f"(`dltutor history {exercise.id}`).")
        content = self.progress.version_content(exercise.id, target.number)
        if content is None:
            raise NoSuchVersion(f"version {target.number} of {exercise.id} cannot be read")
        path = self.workspace.path(exercise)
        if current == content:
            return path
        if current is not None and current != self._starter(exercise):
            self.progress.keep_version(exercise.id, current, "restore")
            if not self.progress.persistent:
                self.workspace.backup(exercise, current, overwrite=False)
        self.workspace.write(exercise, content)
        return path
