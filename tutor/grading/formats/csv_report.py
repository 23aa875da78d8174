"""`--format csv`: one row per submission, for an LMS gradebook import.

Columns: `submission`, one column of points per exercise (by id, in set order), `total`,
`max_score`. With `--roster`, `student_id`, `name` and `email` follow `submission`; with a late
policy, `submitted_at`, `days_late`, `late_penalty_percent` and `raw_total` come before `total`
(the adjusted total); with overrides, an `overrides` column at the end says which grades the
instructor changed, from what and why. Cells a spreadsheet would run as formulas (`=`, `+`,
`-`, `@` first) are quoted with a leading apostrophe: submission names come from students."""

from __future__ import annotations

import csv
import io

from tutor.grading.gradebook import GradeReport, format_points


def spreadsheet_cell(text: str) -> str:
    """`text`, with a leading apostrophe where a spreadsheet would run it as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render(report: GradeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    late = bool(report.late_policy)
    changed = any(e.override for s in report.submissions for e in s.exercises)
    writer.writerow(["submission", *(["student_id", "name", "email"] if report.roster else []),
                     *(c.id for c in report.columns),
                     *(["submitted_at", "days_late", "late_penalty_percent", "raw_total"]
                       if late else []),
                     "total", "max_score", *(["overrides"] if changed else [])])
    for sub in report.submissions:
        who = sub.student
        row = [spreadsheet_cell(sub.name)]
        if report.roster:
            row += [spreadsheet_cell(v) for v in (who.id, who.name, who.email)] if who \
                else ["", "", ""]
        row += [format_points(e.score) for e in sub.exercises]
        if late:
            t = sub.late
            if t is not None and t.submitted_at:
                row += [t.submitted_at, str(t.days_late), format_points(t.penalty)]
            else:  # the time is unknown: no penalty
                row += ["", "", ""]
            row.append(format_points(sub.raw_score))
        row += [format_points(sub.score), format_points(sub.max_score)]
        if changed:
            notes = [f"{e.id} {format_points(e.score)}: {e.override.describe(e.max_score)}"
                     for e in sub.exercises if e.override]
            row.append(spreadsheet_cell("; ".join(notes)))
        writer.writerow(row)
    return out.getvalue()
