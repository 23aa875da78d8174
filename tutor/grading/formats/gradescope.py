"""`--format gradescope`: the `results.json` Gradescope's autograder reads, for one submission.

https://gradescope-autograders.readthedocs.io/en/latest/specs/ : top-level `score`,
`execution_time` (seconds), `output`, `output_format`, `test_output_format`, `test_name_format`,
`visibility`, `stdout_visibility`, and `tests`, each with `name`, `name_format`, `number`,
`score`, `max_score`, `status` ("passed"/"failed"), `output`, `output_format`, `visibility`.

Gradescope shows the outputs to the student, so:
- every text is declared `"text"`: names and outputs hold text a student chose (file names,
  their own words in a message), which Gradescope must never render as HTML or Markdown;
- graded on hidden cases, the reports are already redacted (`tutor.grading.redact`) and there is
  no `execution_time`: a submission's run time is a channel it controls;
- the top-level `visibility` is the strictest of the set's and every exercise's, so a set that
  hides a test does not show its score in the total;
- the top-level `output` says how the code was isolated;
- with a late policy, `score` is the adjusted total (it overrides the sum of the tests) and the
  output says when the submission came in and what the penalty took; an overridden test's
  output starts with the instructor's comment and what the autograder had given. Roster and
  warnings are for the instructor and never appear here."""

from __future__ import annotations

import json

from tutor.grading.formats.common import details, inert, isolation_text
from tutor.grading.gradebook import GradeReport, format_points
from tutor.grading.sets import strictest_visibility

TEXT = "text"


def render(report: GradeReport) -> str:
    if len(report.submissions) != 1:
        raise ValueError("the gradescope format describes exactly one submission "
                         f"(got {len(report.submissions)})")
    sub = report.submissions[0]
    lines = [(f"{report.title}: {format_points(sub.score)} of {format_points(sub.max_score)} "
             "points.")]
    if report.hidden:
        lines.append("Graded on hidden cases: they differ from the cases `dltutor check` runs "
                     "on your machine, and their values are not shown.")
    if sub.missing:
        lines.append("Missing files: " + ", ".join(f"{i}.py" for i in sub.missing) + ".")
        lines.append("Your submission holds: " + (", ".join(sub.files) or "no .py files") + ".")
    if sub.late is not None:
        note = sub.late.describe()
        lines.append(note[:1].upper() + note[1:] + (
            f": {format_points(sub.raw_score)} → {format_points(sub.score)} points."
            if sub.late.penalty else "."))
    lines.append(f"Isolation: {isolation_text(report)}")
    tests = [{
        "name": f"{grade.name} ({grade.id})",
        "name_format": TEXT,
        "number": str(n),
        "score": grade.score,
        "max_score": grade.max_score,
        "status": "passed" if grade.passed else "failed",
        "output": (f"Changed by your instructor: {inert(grade.override.describe(grade.max_score))}"
                   "\n" if grade.override else "") + details(grade),
        "output_format": TEXT,
        "visibility": grade.visibility,
    } for n, grade in enumerate(sub.exercises, 1)]
    visibility = strictest_visibility(
        [*([report.visibility] if report.visibility else []),
         *(grade.visibility for grade in sub.exercises)])
    doc: dict[str, object] = {"score": sub.score}
    if not report.hidden:
        doc["execution_time"] = round(sub.duration_s, 3)
    doc.update({
        "output": "\n".join(lines),
        "output_format": TEXT,
        "test_output_format": TEXT,
        "test_name_format": TEXT,
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    })
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
