"""An instructor's adjustments to a graded batch: roster, overrides and the late policy.

Two halves, so a mistake in a file never costs a grading run:

- `prepare` (before grading) reads `--roster`, `--overrides` and `--times`, finds every
  submission's time, and checks every row against the submissions and the set. Any problem is
  an `AdjustmentError` naming the file and the line;
- `apply` (after grading) is a pure function: the report with each student named, the overridden
  grades replaced (their originals kept) and the late penalties set. Each step is its own module
  (`roster`, `overrides`, `late`) and returns a new frozen `GradeReport`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grading import late, overrides, roster
from tutor.grading.gradebook import GradeReport

if TYPE_CHECKING:
    from tutor.grading.batch import Submission
    from tutor.grading.sets import AssignmentSet, GradeItem, LatePolicy


class AdjustmentError(ValueError):
    """A roster, overrides or times file is unreadable, or does not fit what is graded."""


@dataclass(frozen=True)
class Adjustments:
    students: roster.RosterMatch | None = None
    changes: Mapping[tuple[str, str], overrides.OverrideRow] = field(default_factory=dict)
    policy: LatePolicy | None = None
    times: Mapping[str, late.SubmissionTime] = field(default_factory=dict)
    gradebook_column: str = ""


def prepare(assignment: AssignmentSet, items: Sequence[GradeItem],
            submissions: Sequence[Submission], *, roster_file: Path | None = None,
            overrides_file: Path | None = None, times_file: Path | None = None) -> Adjustments:
    try:
        matched = roster.match(roster.load_roster(roster_file), submissions) \
            if roster_file else None
        rows = overrides.load_overrides(overrides_file) if overrides_file else ()
        changes = overrides.match(rows, overrides_file, submissions,
                                  matched.students if matched else {},
                                  {i.id: i.points for i in items}) if overrides_file else {}
        if times_file and assignment.late is None:
            raise AdjustmentError(f"--times {times_file}: the set has no [late] table, so "
                                  "submission times change nothing")
        times = late.collect(submissions, late.load_times(times_file) if times_file else None) \
            if assignment.late else {}
    except (roster.RosterError, overrides.OverrideError, late.LateError) as exc:
        raise AdjustmentError(str(exc)) from None
    return Adjustments(matched, changes, assignment.late, times,
                       assignment.gradebook_column or assignment.title)


def apply(report: GradeReport, adjustments: Adjustments) -> GradeReport:
    if adjustments.students is not None:
        report = roster.apply(report, adjustments.students)
    if adjustments.changes:
        report = overrides.apply(report, adjustments.changes)
    if adjustments.policy is not None:
        report = late.apply(report, adjustments.policy, adjustments.times)
    return replace(report, gradebook_column=adjustments.gradebook_column)
