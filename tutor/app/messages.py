"""App-wide messages: facts that a screen states and the app (the wiring) acts on.

Screens never push each other: they say what the learner chose (`LessonSelected`,
`ExerciseSelected`, `ExperimentSelected`) and `DLTutorApp` decides how the screen stack changes.
`ExerciseGraded` tells anyone interested (the app, tests, a future dashboard) that a check ended."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tutor.grading.results import CheckResult


@dataclass
class LessonSelected(Message):
    """The learner chose to read a lesson (at the heading `section`, when one is given)."""

    lesson_id: str
    section: str = ""


@dataclass
class ExerciseSelected(Message):
    """The learner chose to work on an exercise."""

    exercise_id: str


@dataclass
class ExperimentSelected(Message):
    """The learner chose one of a lesson's training runs."""

    experiment: str


@dataclass
class ExerciseGraded(Message):
    """A check of the learner's file finished (and was recorded in their progress)."""

    exercise_id: str
    result: CheckResult


@dataclass
class QuizAnswered(Message):
    """The learner answered one question of a lesson's quiz (and it was recorded)."""

    lesson_id: str
    question: int  #: 0-based
    correct: bool
