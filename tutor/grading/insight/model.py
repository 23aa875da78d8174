"""The class report as values: frozen dataclasses with `to_dict()`, built by `aggregate.py`.

Shares are fractions in [0, 1]; every renderer (terminal text, JSON, the HTML page) formats them
itself, so the three never disagree about a number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.grading.insight.signals import HonestySignal


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def percent(fraction: float) -> str:
    """`41%`: whole percents, for tables and charts."""
    return f"{round(fraction * 100):d}%"


@dataclass(frozen=True)
class ScoreBin:
    """Submissions whose total is in [low, high) percent of the maximum ([90, 100] for the last)."""

    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "count": self.count}


@dataclass(frozen=True)
class ExerciseStat:
    id: str
    name: str
    max_score: float
    mean: float  #: mean points over the whole class (a missing file counts as 0)
    total: int  #: submissions graded against it
    submitted: int  #: of those, how many handed in a file
    passed: int

    @property
    def missing(self) -> int:
        return self.total - self.submitted

    @property
    def pass_rate(self) -> float:
        """Passed, over the whole class."""
        return share(self.passed, self.total)

    @property
    def mean_fraction(self) -> float:
        return self.mean / self.max_score if self.max_score else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "max_score": self.max_score,
                "mean": self.mean, "total": self.total, "submitted": self.submitted,
                "missing": self.missing, "passed": self.passed,
                "pass_rate": round(self.pass_rate, 4)}


@dataclass(frozen=True)
class CaseStat:
    """One case of one exercise across the class: how many of the files that ran on it passed."""

    exercise: str
    index: int  #: 0-based
    hidden: bool
    passed: int
    total: int  #: files that ran on this case

    @property
    def rate(self) -> float:
        return share(self.passed, self.total)

    @property
    def label(self) -> str:
        return f"{'hidden' if self.hidden else 'public'} case {self.index + 1}"

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "case": self.index + 1, "hidden": self.hidden,
                "passed": self.passed, "total": self.total, "rate": round(self.rate, 4)}


@dataclass(frozen=True)
class MistakeStat:
    """A known mistake and how many made it."""

    exercise: str
    exercise_name: str
    mistake: str  #: its id in exercise.toml
    description: str  #: its diagnosis, the sentence the students who made it read
    count: int
    submitted: int  #: submissions that handed in this exercise

    @property
    def share(self) -> float:
        """Of those who handed the exercise in."""
        return share(self.count, self.submitted)

    @property
    def label(self) -> str:
        """`no_bias_correction` -> `no bias correction`."""
        return self.mistake.replace("_", " ")

    @property
    def sentence(self) -> str:
        """`41% of the class (7 of 17 who handed in adam_step): no bias correction`."""
        return (f"{percent(self.share)} of the class ({self.count} of {self.submitted} who "
                f"handed in {self.exercise}): {self.label}")

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "exercise_name": self.exercise_name,
                "mistake": self.mistake, "description": self.description,
                "count": self.count, "submitted": self.submitted,
                "share": round(self.share, 4)}


@dataclass(frozen=True)
class ClassInsight:
    title: str
    hidden: bool
    isolation: str
    submissions: int
    max_score: float
    mean: float
    median: float
    lowest: float
    highest: float
    min_score: float | None
    below_min_score: int
    distribution: tuple[ScoreBin, ...]
    exercises: tuple[ExerciseStat, ...]
    cases: tuple[CaseStat, ...]
    mistakes: tuple[MistakeStat, ...]  #: the most common first
    honesty: tuple[HonestySignal, ...] = ()

    def cases_of(self, exercise: str) -> tuple[CaseStat, ...]:
        return tuple(c for c in self.cases if c.exercise == exercise)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "hidden": self.hidden, "isolation": self.isolation,
            "submissions": self.submissions, "max_score": self.max_score,
            "mean": self.mean, "median": self.median, "lowest": self.lowest,
            "highest": self.highest, "min_score": self.min_score,
            "below_min_score": self.below_min_score,
            "distribution": [b.to_dict() for b in self.distribution],
            "exercises": [e.to_dict() for e in self.exercises],
            "cases": [c.to_dict() for c in self.cases],
            "mistakes": [m.to_dict() for m in self.mistakes],
            "honesty": [s.to_dict() for s in self.honesty],
        }
