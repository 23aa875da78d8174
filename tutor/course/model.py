"""Frozen dataclasses describing the course: what a lesson, an exercise and a known mistake are.

Paths are derived from the exercise folder, never stored twice (rustlings' habit)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from tutor.course.checkpoints import Checkpoint, CodeBlock, code_blocks
from tutor.course.numbers import (
    ATOL_FLOOR,
    DEFAULT_RTOL,
    NUMBER_PROMPT,
    NotANumber,
    allowed_error,
    parse_number,
)
from tutor.course.train_slot import TrainSlot

#: the exercise.toml format this dltutor reads; a file may say `format_version = N` (absent: 1)
FORMAT_VERSION = 1
#: the keys exercise.toml may hold (format_version 1); any other key is an error that names it
#: ([outputs] names the parts of what the function returns; its own keys are free-form)
EXERCISE_KEYS = ("format_version", "title", "function", "summary", "points", "timeout",
                 "memory_mb", "scoring", "forbidden", "hints", "compare", "outputs", "mistakes",
                 "requires", "train")
COMPARE_KEYS = ("rtol", "atol")  #: the keys of its [compare] table
MISTAKE_KEYS = ("id", "diagnosis")  #: the keys of each [[mistakes]] entry


@dataclass(frozen=True)
class Mistake:
    """A known wrong way to solve an exercise, recognised by comparing outputs."""

    id: str
    diagnosis: str  #: one sentence, addressed to the learner
    path: Path  #: mistakes/<id>.py: the wrong implementation, written as a learner would


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    function: str
    directory: Path
    summary: str = ""
    points: float = 10.0
    timeout: float = 5.0
    memory_mb: int = 1024
    scoring: str = "fraction"
    hints: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    rtol: float = 1e-7
    atol: float = 1e-12
    mistakes: tuple[Mistake, ...] = ()
    solution_path: Path | None = None
    lesson_id: str | None = None
    pack: str | None = None  #: the pack's folder name, None for built-in exercises
    format_version: int = 1  #: exercise.toml's `format_version` (absent: 1)
    #: ids of earlier exercises of the same course or pack whose functions this one may import
    #: (`from relu_backward import relu_backward`); graded with the reference ones, and also,
    #: as feedback, with the learner's own (`tutor.grading.chain`)
    requires: tuple[str, ...] = ()
    #: `[train]`: the piece of a training run this exercise's function can stand in for
    #: (`dltutor train NAME --use-mine ID`); None when it has none
    train: TrainSlot | None = None

    @property
    def toml_path(self) -> Path:
        return self.directory / "exercise.toml"

    @property
    def statement_path(self) -> Path:
        return self.directory / "README.md"

    @property
    def starter_path(self) -> Path:
        return self.directory / "starter.py"

    @property
    def check_path(self) -> Path:
        return self.directory / "check.py"

    @property
    def driver_path(self) -> Path | None:
        """`drive.py`: the only exercise code the jailed child imports (it calls the learner's
        function on one case's inputs). None when the exercise has none: the function is then
        called with the case's inputs as keyword arguments."""
        path = self.directory / "drive.py"
        return path if path.is_file() else None

    @property
    def filename(self) -> str:
        """The learner's workspace file (and a submission's file) for this exercise."""
        return f"{self.id}.py"

    def statement(self) -> str:
        return self.statement_path.read_text(encoding="utf-8")


DEFAULT_QUIZ_RTOL = DEFAULT_RTOL  #: see `tutor.course.numbers.allowed_error`
QUIZ_ATOL_FLOOR = ATOL_FLOOR
#: what an explanation must not start with: the app already says "Right." or "Not quite."
_VERDICT_WORDS = re.compile(r"^\s*(?:right|correct|wrong|incorrect|not quite|yes|no)\s*[:.!—–]\s*",
                            re.IGNORECASE)


def strip_verdict(explanation: str) -> str:
    """An explanation without a leading "Right:" or "Wrong." (the app states the verdict itself,
    and "Right. Right: ..." reads badly)."""
    rest = _VERDICT_WORDS.sub("", explanation, count=1)
    if rest == explanation or not rest:
        return explanation
    first = rest.split(" ", 1)[0]
    word = first.rstrip(",;:")
    # "the kink" -> "The kink", but not nn.Linear, σ, x or x_t
    if word.isascii() and word.isalpha() and word.islower() and (len(word) > 1 or word == "a"):
        return rest[0].upper() + rest[1:]
    return rest


@dataclass(frozen=True)
class QuizVerdict:
    """One response, graded. `understood` is False when a numeric response is not a number
    (nothing to record then); `explanation` is what the learner reads after the verdict."""

    correct: bool
    understood: bool
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {"correct": self.correct, "understood": self.understood,
                "explanation": self.explanation}


@dataclass(frozen=True)
class QuizQuestion:
    """A "check yourself" question: multiple choice (`choices`) or a number.

    A numeric response may be a fraction or a small formula (`5/3`, `ln(4)`, `2^-10`, see
    `tutor.course.numbers`). It is right when it is within `tolerance + rtol·|answer|` of the
    answer (and never less than QUIZ_ATOL_FLOOR). A question that states neither tolerance has
    `rtol` = DEFAULT_QUIZ_RTOL; one that states only `tolerance` (the older, absolute key) is
    graded with that alone."""

    question: str
    answer: float | int  #: index of the right choice, or the numeric answer
    choices: tuple[str, ...] = ()  #: empty for a numeric question
    explanations: tuple[str, ...] = ()  #: one per choice (multiple choice) or one (numeric)
    tolerance: float | None = None  #: absolute tolerance, as stated by the question
    rtol: float | None = None  #: relative tolerance, as stated by the question

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    @property
    def allowed_error(self) -> float:
        """How far a numeric response may be from the answer and still be right."""
        return allowed_error(float(self.answer), self.rtol, self.tolerance)

    def check(self, response: str | float) -> QuizVerdict:
        """Grade a learner's response (a choice index, or the text typed for a number)."""
        if self.is_choice:
            try:
                index = int(response)
            except (TypeError, ValueError):
                index = -1
            if not 0 <= index < len(self.choices):
                return QuizVerdict(False, False, "Answer with a choice number between 1 and "
                                                 f"{len(self.choices)}.")
            return QuizVerdict(index == self.answer, True,
                               strip_verdict(self.explanations[index]))
        try:
            value = (float(response) if isinstance(response, (int, float))
                     else parse_number(str(response)))
        except NotANumber as exc:
            return QuizVerdict(False, False, f"{_sentence(str(exc))} {NUMBER_PROMPT}")
        except (TypeError, ValueError, OverflowError):
            return QuizVerdict(False, False, NUMBER_PROMPT)
        correct = math.isfinite(value) and abs(value - float(self.answer)) <= self.allowed_error
        explanation = strip_verdict(self.explanations[0]) if self.explanations else ""
        return QuizVerdict(correct, True, explanation)

    def grade(self, response: str | float) -> tuple[bool, str]:
        """Return (correct, explanation) for a learner's response; a response that is not a
        number (or not a choice) is wrong, and its explanation says what to type."""
        verdict = self.check(response)
        return verdict.correct, verdict.explanation


def _sentence(reason: str) -> str:
    """'the answer divides by zero' -> 'The answer divides by zero.'"""
    reason = reason.strip().rstrip(".")
    return (reason[:1].upper() + reason[1:] + ".") if reason else ""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    number: int
    path: Path
    exercises: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()
    checkpoints: tuple[Checkpoint, ...] = ()  #: "predict, then run" blocks, in reading order

    def body(self) -> str:
        """The Markdown body without its front matter."""
        from tutor.course.frontmatter import split_front_matter

        return split_front_matter(self.path.read_text(encoding="utf-8"), self.path)[1]

    def code_blocks(self) -> tuple[CodeBlock, ...]:
        """The lesson's runnable ```python blocks, numbered from 1 in reading order."""
        return code_blocks(self.body())

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        for checkpoint in self.checkpoints:
            if checkpoint.id == checkpoint_id:
                return checkpoint
        raise KeyError(checkpoint_id)


@dataclass(frozen=True)
class CourseGroup:
    """A lesson and its exercises, or (lesson None) the exercises no lesson lists."""

    lesson: Lesson | None
    title: str  #: `03. Loss functions`, or `More exercises`
    listed: tuple[str, ...]  #: every id the lesson lists, available or not
    available: tuple[Exercise, ...]  #: those this course has, in the lesson's order


@dataclass(frozen=True)
class Course:
    """Lessons in order, and every exercise by id (built-in and from packs)."""

    lessons: tuple[Lesson, ...]
    exercises: dict[str, Exercise] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  #: content that failed to load, as messages for the learner

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def groups(self) -> list[CourseGroup]:
        """The course as the map, the lesson list and `dltutor list` show it: each lesson with the
        exercises it lists, then "More exercises" for those no lesson lists (packs)."""
        out = [CourseGroup(lesson, f"{lesson.number:02d}. {lesson.title}", lesson.exercises,
                           tuple(self.exercises[e] for e in lesson.exercises
                                 if e in self.exercises))
               for lesson in self.lessons]
        listed = {e for lesson in self.lessons for e in lesson.exercises}
        loose = tuple(e for e in self.exercises.values() if e.id not in listed)
        if loose:
            out.append(CourseGroup(None, "More exercises", tuple(e.id for e in loose), loose))
        return out

    def ordered_exercises(self) -> list[Exercise]:
        """Every exercise in course order: lesson by lesson, then those no lesson lists."""
        seen: list[Exercise] = []
        for lesson in self.lessons:
            seen.extend(self.exercises[e] for e in lesson.exercises if e in self.exercises)
        listed = {e.id for e in seen}
        seen.extend(e for e in self.exercises.values() if e.id not in listed)
        return seen

    def next_exercise(self, exercise_id: str) -> Exercise | None:
        order = self.ordered_exercises()
        ids = [e.id for e in order]
        if exercise_id not in ids:
            return None
        index = ids.index(exercise_id)
        return order[index + 1] if index + 1 < len(order) else None
