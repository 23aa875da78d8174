"""`--format junit`: JUnit XML for CI test reports (GitHub, GitLab, Jenkins).

One <testsuite> per submission, one <testcase> per exercise (classname = the submission, name =
the exercise id). `pass` has no child; `fail` and `missing` are <failure>s; `error`, `timeout`
and `crash` are <error>s, with the verdict as `type` and the details as text. Scores and the
isolation level travel as <properties>. Learner text is made inert first, so the file always
parses. Graded on hidden cases, no element has a `time`: a submission's run time is a channel it
controls (it can sleep for a hidden value), and the report stays byte-for-byte deterministic.

With `--roster`, `student_id` and `student_name` properties name the student; with a late policy,
`raw_score`, `submitted_at`, `days_late` and `late_penalty_percent` say what the penalty took
(`score` is the adjusted total). An overridden grade says so in its text (`<failure>`, or
`<system-out>` for a pass), with the instructor's comment and what the grader had given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tutor.grading.formats.common import details, inert, isolation_text
from tutor.grading.gradebook import ExerciseGrade, GradeReport, SubmissionGrade, format_points
from tutor.grading.results import Verdict

FAILURES = (Verdict.FAIL, Verdict.MISSING)


def _time(seconds: float) -> str:
    return f"{seconds:.3f}"


def _extra_properties(sub: SubmissionGrade) -> list[tuple[str, str]]:
    props = []
    if sub.student is not None:
        props += [("student_id", inert(sub.student.id)), ("student_name", inert(sub.student.name))]
    if sub.late is not None:
        props += [("raw_score", format_points(sub.raw_score)),
                  ("submitted_at", sub.late.submitted_at or "unknown"),
                  ("days_late", str(sub.late.days_late)),
                  ("late_penalty_percent", format_points(sub.late.penalty))]
    return props


def _override_note(grade: ExerciseGrade) -> str:
    if grade.override is None:
        return ""
    return f"Override: {inert(grade.override.describe(grade.max_score))}\n"


def render(report: GradeReport) -> str:
    timed = not report.hidden

    def time_of(seconds: float) -> dict[str, str]:
        return {"time": _time(seconds)} if timed else {}

    root = ET.Element("testsuites", name=report.title)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for sub in report.submissions:
        failures = sum(e.verdict in FAILURES for e in sub.exercises)
        errors = sum(not e.passed and e.verdict not in FAILURES for e in sub.exercises)
        suite = ET.SubElement(root, "testsuite", {
            "name": sub.name, "tests": str(len(sub.exercises)), "failures": str(failures),
            "errors": str(errors), "skipped": "0", **time_of(sub.duration_s)})
        props = ET.SubElement(suite, "properties")
        for key, value in (("score", format_points(sub.score)),
                           ("max_score", format_points(sub.max_score)),
                           ("passed", "true" if sub.reaches(report.min_score) else "false"),
                           ("isolation", isolation_text(report)), *_extra_properties(sub)):
            ET.SubElement(props, "property", name=key, value=value)
        for grade in sub.exercises:
            case = ET.SubElement(suite, "testcase", {"classname": sub.name, "name": grade.id,
                                                     **time_of(grade.duration_s)})
            if not grade.passed:
                tag = "failure" if grade.verdict in FAILURES else "error"
                node = ET.SubElement(case, tag, type=grade.verdict.value,
                                     message=inert(grade.message)[:500])
                node.text = _override_note(grade) + details(grade)
            elif grade.override is not None:
                ET.SubElement(case, "system-out").text = _override_note(grade)
        totals["tests"] += len(sub.exercises)
        totals["failures"] += failures
        totals["errors"] += errors
    for key, total in totals.items():
        root.set(key, str(total))
    if timed:
        root.set("time", _time(report.duration_s))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
