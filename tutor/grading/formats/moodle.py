"""`--format moodle`: a CSV for Moodle's grade import (Gradebook setup > Import > CSV file).

Columns `Full name`, `ID number`, `Email address`, then one grade column named after the set's
`gradebook_column` (default: its title) holding each student's total in points (after any late
penalty). On Moodle's import page map *Identify user by* from `Email address` to `useremail`
(or from `ID number` to `useridnumber`, when your students' profiles have ID numbers: the
roster's `student_id`), and the grade column to the grade item. Moodle reads the numbers as
points of that item and refuses ones above its maximum grade: give the item the set's maximum.

Only submissions whose folder is in the roster have a row (see the canvas format)."""

from __future__ import annotations

import csv
import io

from tutor.grading.formats.csv_report import spreadsheet_cell as cell
from tutor.grading.gradebook import GradeReport, format_points

COLUMNS = ("Full name", "ID number", "Email address")


def render(report: GradeReport) -> str:
    if not report.roster:
        raise ValueError("the moodle format needs a roster (--roster FILE.csv): Moodle knows "
                         "students by email or ID number, not by folder names")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, cell(report.gradebook_column or report.title)])
    for sub in report.submissions:
        who = sub.student
        if who is None:
            continue
        writer.writerow([cell(who.name), who.id, who.email, format_points(sub.score)])
    return out.getvalue()
