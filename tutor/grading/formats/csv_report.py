"""`--format csv`: one row per submission, for an LMS gradebook import.

Columns: `submission`, one column of points per exercise (by id, in set order), `total`,
`max_score`. Cells a spreadsheet would run as formulas (`=`, `+`, `-`, `@` first) are quoted with
a leading apostrophe: submission names come from students."""

from __future__ import annotations

import csv
import io

from tutor.grading.gradebook import GradeReport, format_points


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render(report: GradeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["submission", *(c.id for c in report.columns), "total", "max_score"])
    for sub in report.submissions:
        writer.writerow([_cell(sub.name), *(format_points(e.score) for e in sub.exercises),
                         format_points(sub.score), format_points(sub.max_score)])
    return out.getvalue()
