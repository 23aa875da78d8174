"""`--format text` (the default): a Rich table per submission, then a class summary.

`renderables(report)` is what a terminal shows (colours); `render(report)` is the same as plain
text at a fixed width, for `--output FILE` and golden files. Learner text only ever goes into
`Text` objects, never parsed as markup. The first line names the isolation level; no format
shows a duration."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tutor.grading.formats.common import VERDICT_WORD, inert, isolation_text, score_text
from tutor.grading.gradebook import GradeReport, SubmissionGrade, format_points
from tutor.grading.results import Verdict

WIDTH = 100
VERDICT_STYLE = {
    Verdict.PASS: "bold green", Verdict.FAIL: "bold red", Verdict.ERROR: "bold red",
    Verdict.TIMEOUT: "bold yellow", Verdict.CRASH: "bold magenta", Verdict.MISSING: "bold red",
}


def _percent(score: float, max_score: float) -> str:
    return f"{score / max_score:.0%}" if max_score else "-"


def submission_table(sub: SubmissionGrade, report: GradeReport) -> Table:
    mark = ""
    if report.min_score is not None:
        mark = "  ✔ reaches the minimum" if sub.reaches(report.min_score) else \
            f"  ✘ below the minimum of {format_points(report.min_score)}"
    table = Table(title=Text(f"{inert(sub.name)} · {format_points(sub.score)}/"
                             f"{format_points(sub.max_score)} points "
                             f"({_percent(sub.score, sub.max_score)}){mark}", style="bold"),
                  title_justify="left", header_style="bold", expand=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("details")
    for grade in sub.exercises:
        detail = Text(inert(grade.message))
        if grade.result is not None and grade.result.diagnosis:
            detail.append("\nLikely mistake: ", style="yellow")
            detail.append(inert(grade.result.diagnosis))
        if grade.result is not None and grade.result.flags:  # for the instructor's eyes
            detail.append("\nFlagged: ", style="magenta")
            detail.append("; ".join(grade.result.flags))
        table.add_row(Text(grade.id), Text(VERDICT_WORD[grade.verdict],
                                           style=VERDICT_STYLE[grade.verdict]),
                      Text(score_text(grade)), detail)
    if sub.missing:
        table.caption = Text("files in this submission: " + (inert(", ".join(sub.files))
                                                              or "none"))
        table.caption_justify = "left"
    return table


def summary_tables(report: GradeReport) -> list[RenderableType]:
    subs = Table(title=Text(f"Class summary · {report.title}", style="bold"),
                 title_justify="left", header_style="bold")
    subs.add_column("submission")
    subs.add_column("points", justify="right")
    subs.add_column("%", justify="right")
    subs.add_column("passed", justify="right")
    subs.add_column("missing", justify="right")
    if report.min_score is not None:
        subs.add_column(f"≥ {format_points(report.min_score)}")
    for sub in report.submissions:
        row = [Text(inert(sub.name)), Text(f"{format_points(sub.score)}/{format_points(sub.max_score)}"),
               Text(_percent(sub.score, sub.max_score)),
               Text(f"{sum(e.passed for e in sub.exercises)}/{len(sub.exercises)}"),
               Text(str(len(sub.missing)))]
        if report.min_score is not None:
            ok = sub.reaches(report.min_score)
            row.append(Text("yes" if ok else "NO", style="green" if ok else "bold red"))
        subs.add_row(*row)
    exercises = Table(title=Text("Per exercise", style="bold"), title_justify="left",
                      header_style="bold")
    exercises.add_column("exercise")
    exercises.add_column("max", justify="right")
    exercises.add_column("mean", justify="right")
    exercises.add_column("passed", justify="right")
    exercises.add_column("missing", justify="right")
    for col in report.columns:
        stats = report.column_stats(col.id)
        exercises.add_row(col.id, format_points(col.max_score), format_points(stats["mean"]),
                          f"{stats['passed']}/{stats['graded']}", str(stats["missing"]))
    n = len(report.submissions)
    line = Text(f"{n} submission{'s' if n != 1 else ''} · mean {format_points(report.mean_score())}"
                f"/{format_points(report.max_score)} points"
                + (" · hidden cases" if report.hidden else ""))
    below = report.below_min_score
    if report.min_score is not None:
        line.append(f" · {len(below)} below the minimum of {format_points(report.min_score)}",
                    style="bold red" if below else "green")
    return [subs, exercises, line]


def header(report: GradeReport) -> Text:
    """The report's first line: how the learner code was isolated while it ran."""
    return Text(f"{report.title} · isolation: {isolation_text(report)}", style="dim")


def renderables(report: GradeReport) -> list[RenderableType]:
    parts: list[RenderableType] = [header(report), Text("")]
    for sub in report.submissions:
        parts.append(submission_table(sub, report))
        parts.append(Text(""))
    parts.extend(summary_tables(report))
    return parts


def render(report: GradeReport, width: int = WIDTH) -> str:
    console = Console(width=width, no_color=True, force_terminal=False, record=True,
                      file=io.StringIO(), legacy_windows=False)
    console.print(Group(*renderables(report)))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
