"""Plain-text pieces the formats share: learner text made inert, one exercise's details.

Learner-controlled text (printed output, exception messages, tracebacks) reaches every format.
It is stripped of escape sequences and control characters here, once, so it can neither fake a
verdict on a terminal nor make a JUnit file unparseable."""

from __future__ import annotations

from tutor.grading.gradebook import ExerciseGrade, GradeReport, format_points
from tutor.present import inert, verdict

__all__ = ["details", "inert", "isolation_text", "score_text"]

OUTPUT_SHOWN = 1500


def isolation_text(report: GradeReport) -> str:
    """How the learner code was jailed, for the report's header ("not recorded" when unknown)."""
    return inert(report.isolation).replace("\n", " ").strip() or "not recorded"


def score_text(grade: ExerciseGrade) -> str:
    return f"{format_points(grade.score)}/{format_points(grade.max_score)}"


def details(grade: ExerciseGrade, *, output: bool = True) -> str:
    """What a learner needs to fix one exercise, as plain text (no durations: deterministic)."""
    lines = [(f"{verdict(grade.verdict).word} · {score_text(grade)} points · "
             f"{inert(grade.message)}")]
    result = grade.result
    if result is None:
        return lines[0] + "\n"
    if result.diagnosis:
        lines.append(f"Likely mistake: {result.diagnosis}")
    report = result.report
    if report is not None:
        title = ("Hidden case" if report.hidden else "Case") + \
            f" {report.case_index + 1} of {report.cases_total}"
        if report.label:
            title += f": {report.label}"
        lines.append(title)
        for inp in report.inputs:
            shown = inp.preview and inp.preview != inp.description
            value = inert(inp.description) + (f"  {inert(inp.preview)}" if shown else "")
            lines.append(f"  {inp.name}: {value}")
        if report.expected or report.got:
            lines.append(f"  expected: {inert(report.expected)}")
            lines.append(f"  got:      {inert(report.got)}")
        mismatch = report.mismatch or {}
        for w in [] if report.hidden else mismatch.get("worst") or []:
            lines.append(f"    at {inert(str(w['index']))}: expected {w['expected']:.6g}, "
                         f"got {w['got']:.6g}")
        if report.traceback:
            lines.append(inert(report.traceback.rstrip()))
    if result.chain is not None:  # feedback beside the verdict (`tutor.grading.chain`)
        lines.append(f"With your own earlier functions: {inert(result.chain.message)}")
    if output and result.output:
        text = inert(result.output)
        cut = len(text) > OUTPUT_SHOWN or result.output_truncated
        lines.append("Printed output:")
        lines.append(text[:OUTPUT_SHOWN].rstrip() + ("\n… (truncated)" if cut else ""))
    return "\n".join(lines) + "\n"
