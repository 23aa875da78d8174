"""A graded batch as values: per exercise, per submission, for the whole class.

Frozen dataclasses, like `results.py` one level down. Every output format of `dltutor grade`
(text, JSON, JUnit, Gradescope, CSV) is a pure function of a `GradeReport`, so the formats can be
locked by golden files and can never disagree about a score.

Points are rounded to 2 decimals once, here, and totals are sums of the rounded figures, so a CSV
gradebook adds up to the total it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor.grading.insight.signals import HonestySignal
from tutor.grading.results import CheckResult, Verdict

OUTPUT_KEPT = 2000  #: characters of a learner's printed output a report keeps per exercise


def points(value: float) -> float:
    return round(float(value) + 0.0, 2)


def format_points(value: float) -> str:
    """`10`, `7.5`, `6.67`: no trailing zeros, for tables and CSV."""
    return f"{points(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Override:
    """An instructor's change to one exercise's grade (`--overrides`), and what it replaced."""

    original_verdict: Verdict
    original_score: float
    comment: str = ""

    def describe(self, max_score: float) -> str:
        """`late file accepted (was missing, 0/5)`: why, and what the grader had given."""
        was = (f"(was {self.original_verdict.value}, {format_points(self.original_score)}/"
               f"{format_points(max_score)})")
        return f"{self.comment} {was}" if self.comment else was

    def to_dict(self) -> dict[str, Any]:
        return {"original_verdict": self.original_verdict.value,
                "original_score": self.original_score, "comment": self.comment}


@dataclass(frozen=True)
class Student:
    """Who handed in a folder, from `--roster` (ids as the LMS knows them; "" when not given)."""

    id: str
    name: str = ""
    email: str = ""
    section: str = ""
    canvas_id: str = ""  #: Canvas's own user id (the `ID` column of its gradebook export)
    login_id: str = ""  #: Canvas's `SIS Login ID`

    def label(self) -> str:
        """`Zoë Adams (s1234)`, or the id alone."""
        return f"{self.name} ({self.id})" if self.name else self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "section": self.section}


@dataclass(frozen=True)
class Lateness:
    """When a submission came in against the set's `[late]` policy, and what it costs.

    The penalty is a percentage of the points earned (`basis = "score"`) or of the maximum
    (`"max_score"`), never taking a total below 0. `submitted_at` "" means the time is unknown:
    no penalty."""

    submitted_at: str  #: ISO-8601 with its offset; "" when unknown
    source: str  #: where the time came from ("--times FILE", "submission_metadata.json", "git")
    deadline: str  #: ISO-8601: the set's deadline, or this student's own (an extension)
    days_late: int = 0  #: started days after the deadline, once past the grace period
    penalty: float = 0.0  #: percent taken off
    basis: str = "score"

    def adjust(self, raw: float, max_score: float) -> float:
        base = raw if self.basis == "score" else max_score
        return points(max(0.0, raw - base * self.penalty / 100))

    def describe(self) -> str:
        """`submitted 2025-03-15T08:00:00+00:00, 1 day after the deadline (...): 10% of the
        points earned off`; or on time; or unknown."""
        if not self.submitted_at:
            return "submission time unknown: no late penalty"
        if not self.days_late:
            return f"submitted {self.submitted_at}, on time (deadline {self.deadline})"
        days = f"{self.days_late} day{'s' if self.days_late != 1 else ''}"
        of = "of the points earned" if self.basis == "score" else "of the maximum"
        return (f"submitted {self.submitted_at}, {days} after the deadline ({self.deadline}): "
                f"{format_points(self.penalty)}% {of} off")

    def to_dict(self) -> dict[str, Any]:
        return {"submitted_at": self.submitted_at or None, "source": self.source,
                "deadline": self.deadline, "days_late": self.days_late,
                "penalty_percent": self.penalty, "penalty_of": self.basis}


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
    override: Override | None = None  #: set by `--overrides`: score and verdict are the new ones

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
            "case_verdicts": list(r.case_verdicts) if r else [],
            **({"chain": r.chain.to_dict()} if r and r.chain else {}),
            **({"override": self.override.to_dict()} if self.override else {}),
        }


@dataclass(frozen=True)
class SubmissionGrade:
    name: str  #: the folder's name (its path when two folders share a name)
    exercises: tuple[ExerciseGrade, ...]
    files: tuple[str, ...] = ()  #: the .py files the folder holds, to explain a `missing`
    student: Student | None = None  #: from `--roster`; None without one, or not in it
    late: Lateness | None = None  #: when the set has a `[late]` policy

    @property
    def raw_score(self) -> float:
        """The points the exercises earned, before any late penalty."""
        return points(sum(e.score for e in self.exercises))

    @property
    def score(self) -> float:
        """The total that counts: the raw score less any late penalty."""
        raw = self.raw_score
        return self.late.adjust(raw, self.max_score) if self.late else raw

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
        extra: dict[str, Any] = {}
        if self.student:
            extra["student"] = self.student.to_dict()
        if self.late:
            extra.update(raw_score=self.raw_score, late=self.late.to_dict())
        return {"submission": self.name, **extra, "score": self.score,
                "max_score": self.max_score, "passed": self.reaches(min_score),
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
    #: for the instructor only (text and JSON reports, the class report), never in a
    #: student-facing format: identical code, copies of the solution, code reaching for the course
    honesty: tuple[HonestySignal, ...] = ()
    #: the set's `[late]` policy in words ("" when it has none)
    late_policy: str = ""
    roster: bool = False  #: graded with `--roster`: the LMS formats can name the students
    absent: tuple[Student, ...] = ()  #: roster students with no folder among those graded
    #: the LMS gradebook column (`gradebook_column` in the set, else the title)
    gradebook_column: str = ""
    #: things the instructor should know about the adjustments (unknown submission times,
    #: folders not in the roster); text and JSON only, never a student-facing format
    warnings: tuple[str, ...] = ()

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
            "honesty": [h.to_dict() for h in self.honesty],
            **({"late_policy": self.late_policy} if self.late_policy else {}),
            **({"roster": {"absent": [a.to_dict() for a in self.absent],
                           "not_in_roster": [s.name for s in self.submissions
                                             if s.student is None]}} if self.roster else {}),
            **({"warnings": list(self.warnings)} if self.warnings else {}),
            "submissions": [s.to_dict(self.min_score) for s in self.submissions],
        }
