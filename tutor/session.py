"""One learner's session: the course, their workspace, their progress and a grader, with one
method per thing a learner does. The CLI commands and the TUI both call these, so a check from
`dltutor check`, `dltutor watch` and the app is the same check, recorded the same way.

Headless: never imports textual or torch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.course import Course, Exercise, load_course
from tutor.grading.client import Grader
from tutor.grading.results import CheckResult, Verdict
from tutor.progress import ProgressStore
from tutor.progress.store import code_hash
from tutor.workspace import Workspace

MIN_ATTEMPTS_FOR_SOLUTION = 1


class SolutionLocked(Exception):
    """The learner asked for a solution before really trying; the message says what to do."""


@dataclass(frozen=True)
class Hint:
    number: int  #: 1-based
    total: int
    text: str


class Session:
    def __init__(self, course: Course, workspace: Workspace, progress: ProgressStore,
                 grader: Grader | None = None) -> None:
        self.course = course
        self.workspace = workspace
        self.progress = progress
        self._grader = grader
        self._isolation_noted = False

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

    # -- checking -----------------------------------------------------------------------------

    def check(self, exercise: Exercise, file: Path | None = None, *,
              record: bool = True, timeout: float | None = None) -> CheckResult:
        path = Path(file) if file else self.workspace.ensure(exercise)
        result = self.grader.check(exercise, path, timeout=timeout)
        # a file that does not load (syntax error, import error, no such function) is reported
        # but is not an attempt: it neither marks the exercise attempted nor unlocks the solution
        if record and result.verdict is not Verdict.MISSING and result.loaded:
            try:
                source = path.read_bytes()
            except OSError:
                source = b""
            self.progress.record_attempt(exercise.id, result.verdict.value, result.score, source)
        return result

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

    # -- hints and solutions ------------------------------------------------------------------

    def next_hint(self, exercise: Exercise) -> Hint | None:
        """Unlock and return the next hint (or the last one again once all are shown)."""
        if not exercise.hints:
            return None
        shown = min(self.progress.hints_shown(exercise.id) + 1, len(exercise.hints))
        self.progress.record_hint(exercise.id, shown)
        return Hint(shown, len(exercise.hints), exercise.hints[shown - 1])

    def hints_unlocked(self, exercise: Exercise) -> list[Hint]:
        n = min(self.progress.hints_shown(exercise.id), len(exercise.hints))
        return [Hint(i + 1, len(exercise.hints), exercise.hints[i]) for i in range(n)]

    def real_attempts(self, exercise: Exercise) -> int:
        """Checks of code that differs from the starter: what unlocks the solution."""
        starter = code_hash(exercise.starter_path.read_bytes())
        return self.progress.distinct_attempts(exercise.id, excluding_hash=starter)

    def solution(self, exercise: Exercise, *, force: bool = False) -> str:
        if exercise.solution_path is None:
            raise SolutionLocked(f"{exercise.id} has no reference solution")
        passed = self.progress.status(exercise.id).value == "passed"
        if not force and not passed and self.real_attempts(exercise) < MIN_ATTEMPTS_FOR_SOLUTION:
            raise SolutionLocked(
                f"The solution to {exercise.id} unlocks after a real attempt: edit "
                f"{self.workspace.path(exercise)} and run `dltutor check {exercise.id}` at least "
                "once (hints help: `dltutor hint " + exercise.id + "`).")
        self.progress.record_solution_seen(exercise.id)
        return exercise.solution_path.read_text(encoding="utf-8")

    def reset(self, exercise: Exercise) -> Path | None:
        return self.workspace.reset(exercise)
