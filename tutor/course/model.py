"""Frozen dataclasses describing the course: what a lesson, an exercise and a known mistake are.

Paths are derived from the exercise folder, never stored twice (rustlings' habit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: the exercise.toml format this dltutor reads; a file may say `format_version = N` (absent: 1)
FORMAT_VERSION = 1
#: the keys exercise.toml may hold (format_version 1); any other key is an error that names it
#: ([outputs] names the parts of what the function returns; its own keys are free-form)
EXERCISE_KEYS = ("format_version", "title", "function", "summary", "points", "timeout",
                 "memory_mb", "scoring", "forbidden", "hints", "compare", "outputs", "mistakes")
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


@dataclass(frozen=True)
class QuizQuestion:
    question: str
    answer: float | int  #: index of the right choice, or the numeric answer
    choices: tuple[str, ...] = ()  #: empty for a numeric question
    explanations: tuple[str, ...] = ()  #: one per choice (multiple choice) or one (numeric)
    tolerance: float = 0.0

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def grade(self, response: str | float) -> tuple[bool, str]:
        """Return (correct, explanation) for a learner's response."""
        if self.is_choice:
            try:
                index = int(response)
            except (TypeError, ValueError):
                return False, f"Answer with a choice number between 1 and {len(self.choices)}."
            if not 0 <= index < len(self.choices):
                return False, f"Answer with a choice number between 1 and {len(self.choices)}."
            return index == self.answer, self.explanations[index]
        try:
            value = float(response)
        except (TypeError, ValueError):
            return False, "Answer with a number."
        correct = abs(value - float(self.answer)) <= self.tolerance + 1e-12
        return correct, self.explanations[0] if self.explanations else ""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    number: int
    path: Path
    exercises: tuple[str, ...] = ()
    experiments: tuple[str, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()

    def body(self) -> str:
        """The Markdown body without its front matter."""
        from tutor.course.frontmatter import split_front_matter

        return split_front_matter(self.path.read_text(encoding="utf-8"), self.path)[1]


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
