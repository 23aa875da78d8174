"""`--format gradescope`: the `results.json` Gradescope's autograder reads, for one submission.

https://gradescope-autograders.readthedocs.io/en/latest/specs/ : top-level `score`,
`execution_time` (seconds), `output`, `visibility`, `stdout_visibility`, and `tests`, each with
`name`, `number`, `score`, `max_score`, `status` ("passed"/"failed"), `output`, `visibility`.
Gradescope shows the outputs to the student, so hidden-case reports (already redacted by the
checker) are all that reaches them."""

from __future__ import annotations

import json

from tutor.grading.formats.common import details
from tutor.grading.gradebook import GradeReport, format_points


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
    tests = [{
        "name": f"{grade.name} ({grade.id})",
        "number": str(n),
        "score": grade.score,
        "max_score": grade.max_score,
        "status": "passed" if grade.passed else "failed",
        "output": details(grade),
        "visibility": grade.visibility,
    } for n, grade in enumerate(sub.exercises, 1)]
    doc = {
        "score": sub.score,
        "execution_time": round(sub.duration_s, 3),
        "output": "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
