"""`--format canvas`: a CSV for Canvas's gradebook import (Grades > Import).

The layout Canvas's own gradebook export has, and its importer reads: the student columns
`Student`, `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one assignment column, a
`Points Possible` row under the header, then a row per student with their total (after any late
penalty). Canvas finds each student by `ID` (its own user id), else `SIS User ID`, else
`SIS Login ID`, else the name; the roster gives them (`canvas_id`, `student_id`, `login_id`,
`section`, `name`).

The assignment column is the set's `gradebook_column` (default: its title). Copy the header of the
assignment's column from a Canvas gradebook export, `Homework 2 (48213)`, to update that
assignment; a name without `(id)` makes Canvas create a new one.

Only submissions whose folder is in the roster have a row: the others cannot be matched with a
Canvas student (`dltutor grade` warns about them), and roster students with no folder are left
out, so their Canvas grade stays as it is."""

from __future__ import annotations

import csv
import io

from tutor.grading.formats.csv_report import spreadsheet_cell as cell
from tutor.grading.gradebook import GradeReport, format_points

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def render(report: GradeReport) -> str:
    if not report.roster:
        raise ValueError("the canvas format needs a roster (--roster FILE.csv): Canvas knows "
                         "students by its own ids, not by folder names")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*STUDENT_COLUMNS, cell(report.gradebook_column or report.title)])
    writer.writerow(["Points Possible", *[""] * (len(STUDENT_COLUMNS) - 1),
                     format_points(report.max_score)])
    for sub in report.submissions:
        who = sub.student
        if who is None:
            continue
        writer.writerow([cell(who.name or who.id), who.canvas_id, who.id, who.login_id,
                         cell(who.section), format_points(sub.score)])
    return out.getvalue()
