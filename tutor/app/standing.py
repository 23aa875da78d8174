"""How the app words and marks where a learner stands on each exercise — always the truth about
the file they have *now*, with "passed before" when an earlier version passed.

An exercise that once passed is not "passed" for ever: when the learner edits, resets or
restores the file and it no longer passes (or has not been checked since), the course map, the
lesson and the exercise header say what the current file does, and that it passed before.
The facts come from `Session.file_state` (`tutor.progress.FileState`); this module only words
them, so every screen says the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual.content import Content

from tutor.progress import ExerciseStatus, FileState
from tutor.session import Session

STATUS_WORD = {ExerciseStatus.PASSED: "passed", ExerciseStatus.ATTEMPTED: "attempted",
               ExerciseStatus.NOT_STARTED: "not started"}

MARKS: dict[str, tuple[str, str]] = {
    "passes": ("✔", "$text-success"),
    "passed before": ("✓", "$text-warning"),
    "attempted": ("◐", "$text-warning"),
    "not started": ("·", "$text-muted"),
}
"""The row marks of the map and the lesson, by `mark_key`."""

LEGEND = "✔ passes  ✓ passed before\n◐ attempted  · not started\n● lesson read  ○ unread"

VERDICT_NOW = {"pass": "passes", "fail": "fails", "error": "raises an error",
               "timeout": "times out", "crash": "crashes", "missing": "is missing"}
"""What the current file does, by the verdict of its last check."""

VERDICT_PAST = {"pass": "passed", "fail": "failed", "error": "raised an error",
                "timeout": "timed out", "crash": "crashed", "missing": "was missing"}


def mark_key(state: FileState) -> str:
    """Which of MARKS a file in this state gets."""
    if state.passed:
        return "passes"
    if state.passed_before:
        return "passed before"
    return STATUS_WORD[state.status]


def file_words(state: FileState) -> str:
    """The current file's state in a few words, e.g. "passes", "fails · passed before",
    "changed since its last check · passed before", "not started"."""
    if state.checked:
        now = VERDICT_NOW.get(state.verdict or "", state.verdict or "")
    elif state.untouched and state.status is ExerciseStatus.NOT_STARTED:
        now = "not started"
    elif not state.exists:
        now = "no file"
    elif state.untouched:
        now = "the starter"
    elif state.status is ExerciseStatus.NOT_STARTED:
        now = "started, not checked yet"
    else:
        now = "changed since its last check"
    return now + (" · passed before" if state.passed_before else "")


@dataclass
class Standing:
    """What the learner has done, as the map and the lesson need it (read once per redraw)."""

    statuses: dict[str, ExerciseStatus] = field(default_factory=dict)
    lessons_read: set[str] = field(default_factory=set)
    files: dict[str, FileState] = field(default_factory=dict)
    """The state of each exercise's current file (absent: never opened, so not started)."""

    def status(self, exercise_id: str) -> ExerciseStatus:
        return self.statuses.get(exercise_id, ExerciseStatus.NOT_STARTED)

    def key(self, exercise_id: str) -> str:
        state = self.files.get(exercise_id)
        return mark_key(state) if state is not None else STATUS_WORD[self.status(exercise_id)]

    def words(self, exercise_id: str) -> str:
        state = self.files.get(exercise_id)
        return file_words(state) if state is not None else STATUS_WORD[self.status(exercise_id)]

    def mark(self, exercise_id: str) -> Content:
        mark, style = MARKS[self.key(exercise_id)]
        return Content.styled(mark, style)


def read_standing(session: Session, exercise_ids: Iterable[str] | None = None) -> Standing:
    """The learner's standing, from their record and their files (those of `exercise_ids`
    only, when given: a lesson needs its own few)."""
    exercises = session.course.exercises
    ids = exercises if exercise_ids is None else [e for e in exercise_ids if e in exercises]
    return Standing(session.statuses(), session.progress.lessons_read(),
                    {ex_id: session.file_state(exercises[ex_id]) for ex_id in ids})
