"""How the app words and marks where a learner stands on each exercise — always the truth about
the file they have *now*, with "passed before" when an earlier version passed.

An exercise that once passed is not "passed" for ever: when the learner edits, resets or
restores the file and it no longer passes (or has not been checked since), the course map, the
lesson and the exercise header say what the current file does, and that it passed before.
The facts come from `Session.file_state` (`tutor.progress.FileState`); their words and marks come
from `tutor.present`, shared with the CLI, so every screen says the same thing; this module only
gathers them for a redraw and styles them with the theme."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual.content import Content

from tutor.present import LEGEND, STATUS, file_words, status_key, theme_style
from tutor.progress import ExerciseStatus, FileState
from tutor.session import Session

__all__ = ["LEGEND", "Standing", "file_words", "mark_style", "read_standing"]


def mark_style(key: str) -> tuple[str, str]:
    """The mark and the theme style of a status key of `tutor.present.STATUS`."""
    look = STATUS[key]
    return look.mark, theme_style(look.tone)


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
        return status_key(state) if state is not None else self.status(exercise_id).value

    def words(self, exercise_id: str) -> str:
        state = self.files.get(exercise_id)
        return file_words(state) if state is not None else self.status(exercise_id).value

    def mark(self, exercise_id: str) -> Content:
        mark, style = mark_style(self.key(exercise_id))
        return Content.styled(mark, style)


def read_standing(session: Session, exercise_ids: Iterable[str] | None = None) -> Standing:
    """The learner's standing, from their record and their files (those of `exercise_ids`
    only, when given: a lesson needs its own few)."""
    exercises = session.course.exercises
    ids = exercises if exercise_ids is None else [e for e in exercise_ids if e in exercises]
    return Standing(session.statuses(), session.progress.lessons_read(),
                    {ex_id: session.file_state(exercises[ex_id]) for ex_id in ids})
