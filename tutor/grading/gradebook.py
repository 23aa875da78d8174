"""A graded batch as values: per exercise, per submission, for the whole class.

Frozen dataclasses, like `results.py` one level down. Every output format of `dltutor grade`
(text, JSON, JUnit, Gradescope, CSV) is a pure function of a `GradeReport`, so the formats can be
locked by golden files and can never disagree about a score.

Points are rounded to 2 decimals once, here, and totals are sums of the rounded figures, so a CSV
gradebook adds up to the total it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.grading.results import CheckResult, Verdict

OUTPUT_KEPT = 2000  #: characters of a learner's printed output a report keeps per exercise


def points(value: float) -> float:
    return round(float(value) + 0.0, 2)


def format_points(value: float) -> str:
    """`10`, `7.5`, `6.67`: no trailing zeros, for tables and CSV."""
    return f"{points(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ExerciseGrade:
    id: str
    name: str  #: the title shown in reports (the set's `name`, else the exercise title)
    verdict: Verdict
    score: float  #: points earned
    max_score: float
    message: str
    visibility: str = "visible"  #: Gradescope's per-test visibility
    result: CheckResult | None = None  #: the check behind it; None when the file is missing

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS

    @property
    def duration_s(self) -> float:
        return self.result.duration_ms / 1000 if self.result else 0.0

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "id": self.id, "name": self.name, "verdict": self.verdict.value,
            "score": self.score, "max_score": self.max_score, "message": self.message,
            "cases_passed": r.cases_passed if r else 0, "cases_total": r.cases_total if r else 0,
            "diagnosis": r.diagnosis if r else None, "mistake": r.mistake if r else None,
            "report": r.report.to_dict() if r and r.report else None,
            "output": r.output[:OUTPUT_KEPT] if r else "",
            "output_truncated": bool(r and (r.output_truncated or len(r.output) > OUTPUT_KEPT)),
            "flags": list(r.flags) if r else [],
        }


@dataclass(frozen=True)
class SubmissionGrade:
    name: str  #: the folder's name (its path when two folders share a name)
    exercises: tuple[ExerciseGrade, ...]
    files: tuple[str, ...] = ()  #: the .py files the folder holds, to explain a `missing`

    @property
    def score(self) -> float:
        return points(sum(e.score for e in self.exercises))

    @property
    def max_score(self) -> float:
        return points(sum(e.max_score for e in self.exercises))

    @property
    def duration_s(self) -> float:
        return sum(e.duration_s for e in self.exercises)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.exercises if e.verdict is Verdict.MISSING)

    def reaches(self, min_score: float | None) -> bool:
        return min_score is None or self.score >= min_score - 1e-9

    def to_dict(self, min_score: float | None = None) -> dict[str, Any]:
        return {"submission": self.name, "score": self.score, "max_score": self.max_score,
                "passed": self.reaches(min_score),
                "exercises": [e.to_dict() for e in self.exercises]}


@dataclass(frozen=True)
class ExerciseColumn:
    """One exercise of the set as a column of the gradebook."""

    id: str
    name: str
    max_score: float


@dataclass(frozen=True)
class GradeReport:
    title: str
    columns: tuple[ExerciseColumn, ...]
    submissions: tuple[SubmissionGrade, ...]
    hidden: bool = False  #: graded on hidden cases with a secret seed (never stored here)
    min_score: float | None = None
    #: how the learner code was jailed, in words (e.g. "full: pid, mount, net, uid, env, no tty,
    #: limits"); every format shows it. "" when the grading engine did not say.
    isolation: str = ""
    #: the set's own Gradescope visibility ("" when none); the gradescope format shows the
    #: strictest of this and every exercise's
    visibility: str = ""

    @property
    def max_score(self) -> float:
        return points(sum(c.max_score for c in self.columns))

    @property
    def below_min_score(self) -> tuple[SubmissionGrade, ...]:
        return tuple(s for s in self.submissions if not s.reaches(self.min_score))

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.submissions)

    def mean_score(self) -> float:
        subs = self.submissions
        return points(sum(s.score for s in subs) / len(subs)) if subs else 0.0

    def column_stats(self, exercise_id: str) -> dict[str, Any]:
        grades = [e for s in self.submissions for e in s.exercises if e.id == exercise_id]
        return {"mean": points(sum(g.score for g in grades) / len(grades)) if grades else 0.0,
                "passed": sum(g.passed for g in grades),
                "missing": sum(g.verdict is Verdict.MISSING for g in grades),
                "graded": len(grades)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "hidden": self.hidden, "isolation": self.isolation,
            "min_score": self.min_score,
            "max_score": self.max_score,
            "exercises": [{"id": c.id, "name": c.name, "max_score": c.max_score,
                           **self.column_stats(c.id)} for c in self.columns],
            "summary": {"submissions": len(self.submissions), "mean_score": self.mean_score(),
                        "below_min_score": [s.name for s in self.below_min_score]},
            "submissions": [s.to_dict(self.min_score) for s in self.submissions],
        }
