"""`class_insight(report)`: what a graded class got wrong, counted from a `GradeReport`.

A pure function of the report, so the class report of a live grading and the one rebuilt from its
JSON (`dltutor report RESULTS.json`) are the same values. Counts only what the grader decided:
verdicts, per-case outcomes, known mistakes; never a student's own text."""

from __future__ import annotations

import statistics
from collections import Counter

from tutor.grading.gradebook import ExerciseGrade, GradeReport, points
from tutor.grading.insight.model import (
    CaseStat,
    ClassInsight,
    ExerciseStat,
    MistakeStat,
    ScoreBin,
)
from tutor.grading.results import Verdict

BIN_WIDTH = 10  #: percentage points per bar of the score distribution


def distribution(fractions: list[float]) -> tuple[ScoreBin, ...]:
    """Ten bins of ten percentage points; a full score falls in the last."""
    last = 100 // BIN_WIDTH - 1
    counts = Counter(min(int(round(f * 100, 6) // BIN_WIDTH), last) for f in fractions)
    return tuple(ScoreBin(k * BIN_WIDTH, (k + 1) * BIN_WIDTH, counts.get(k, 0))
                 for k in range(last + 1))


def _cases(exercise: str, grades: list[ExerciseGrade], hidden: bool) -> tuple[CaseStat, ...]:
    runs = [g.result.case_verdicts for g in grades
            if g.result is not None and g.result.case_verdicts]
    longest = max((len(r) for r in runs), default=0)
    return tuple(CaseStat(exercise, i, hidden,
                          passed=sum(1 for r in runs if len(r) > i and r[i] == "pass"),
                          total=sum(1 for r in runs if len(r) > i))
                 for i in range(longest))


def class_insight(report: GradeReport) -> ClassInsight:
    subs = report.submissions
    scores = [s.score for s in subs]
    fractions = [s.score / s.max_score if s.max_score else 0.0 for s in subs]
    exercises: list[ExerciseStat] = []
    cases: list[CaseStat] = []
    mistakes: list[MistakeStat] = []
    for column in report.columns:
        grades = [e for s in subs for e in s.exercises if e.id == column.id]
        handed_in = [g for g in grades if g.verdict is not Verdict.MISSING]
        exercises.append(ExerciseStat(
            id=column.id, name=column.name, max_score=column.max_score,
            mean=points(sum(g.score for g in grades) / len(grades)) if grades else 0.0,
            total=len(grades), submitted=len(handed_in),
            passed=sum(g.passed for g in grades)))
        cases.extend(_cases(column.id, handed_in, report.hidden))
        made = Counter(g.result.mistake for g in handed_in
                       if g.result is not None and g.result.mistake)
        described = {g.result.mistake: g.result.diagnosis or "" for g in reversed(handed_in)
                     if g.result is not None and g.result.mistake}
        mistakes.extend(MistakeStat(column.id, column.name, mistake, described[mistake], count,
                                    len(handed_in))
                        for mistake, count in made.items())
    order = {c.id: k for k, c in enumerate(report.columns)}
    mistakes.sort(key=lambda m: (-m.count, -m.share, order[m.exercise], m.mistake))
    return ClassInsight(
        title=report.title, hidden=report.hidden, isolation=report.isolation,
        submissions=len(subs), max_score=report.max_score, mean=report.mean_score(),
        median=points(statistics.median(scores)) if scores else 0.0,
        lowest=min(scores, default=0.0), highest=max(scores, default=0.0),
        min_score=report.min_score, below_min_score=len(report.below_min_score),
        distribution=distribution(fractions), exercises=tuple(exercises), cases=tuple(cases),
        mistakes=tuple(mistakes), honesty=report.honesty)
