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

from tutor.grading.formats.common import inert, isolation_text, score_text
from tutor.grading.gradebook import GradeReport, SubmissionGrade, format_points
from tutor.present import rich_style, verdict

WIDTH = 100


def _percent(score: float, max_score: float) -> str:
    return f"{score / max_score:.0%}" if max_score else "-"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _late_cell(sub: SubmissionGrade) -> str:
    """`-10%` late, `?` time unknown, blank on time."""
    late = sub.late
    if late is None:
        return ""
    if not late.submitted_at:
        return "?"
    return f"-{format_points(late.penalty)}%" if late.days_late else ""


def submission_table(sub: SubmissionGrade, report: GradeReport) -> Table:
    mark = ""
    if report.min_score is not None:
        mark = "  ✔ reaches the minimum" if sub.reaches(report.min_score) else \
            f"  ✘ below the minimum of {format_points(report.min_score)}"
    who = f" · {inert(sub.student.label())}" if sub.student else ""
    late = ""
    if sub.late is not None and sub.late.penalty:
        late = (f" after a {format_points(sub.late.penalty)}% late penalty "
                f"(raw {format_points(sub.raw_score)})")
    table = Table(title=Text(f"{inert(sub.name)}{who} · {format_points(sub.score)}/"
                             f"{format_points(sub.max_score)} points "
                             f"({_percent(sub.score, sub.max_score)}){late}{mark}",
                             style="bold"),
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
        if grade.override is not None:
            detail.append("\nOverride: ", style="cyan")
            detail.append(inert(grade.override.describe(grade.max_score)))
        table.add_row(Text(grade.id), Text(verdict(grade.verdict).word,
                                           style=rich_style(verdict(grade.verdict).tone, bold=True)),
                      Text(score_text(grade)), detail)
    caption = [_sentence(sub.late.describe())] if sub.late is not None else []
    if sub.missing:
        caption.append("files in this submission: " + (inert(", ".join(sub.files)) or "none"))
    if caption:
        table.caption = Text("\n".join(caption))
        table.caption_justify = "left"
    return table


def summary_tables(report: GradeReport) -> list[RenderableType]:
    subs = Table(title=Text(f"Class summary · {report.title}", style="bold"),
                 title_justify="left", header_style="bold")
    subs.add_column("submission")
    if report.roster:
        subs.add_column("student")
    if report.late_policy:
        subs.add_column("raw", justify="right")
        subs.add_column("late", justify="right")
    subs.add_column("points", justify="right")
    subs.add_column("%", justify="right")
    subs.add_column("passed", justify="right")
    subs.add_column("missing", justify="right")
    if report.min_score is not None:
        subs.add_column(f"≥ {format_points(report.min_score)}")
    for sub in report.submissions:
        row = [Text(inert(sub.name))]
        if report.roster:
            row.append(Text(inert(sub.student.label()) if sub.student else "not in roster"))
        if report.late_policy:
            row += [Text(format_points(sub.raw_score)), Text(_late_cell(sub))]
        row += [Text(f"{format_points(sub.score)}/{format_points(sub.max_score)}"),
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
    notes: list[RenderableType] = []
    if report.late_policy:
        notes.append(Text(f"Late policy: {inert(report.late_policy)}"))
    notes += [Text(f"Warning: {inert(w)}", style="yellow") for w in report.warnings]
    return [subs, exercises, line, *notes]


def header(report: GradeReport) -> Text:
    """The report's first line: how the learner code was isolated while it ran."""
    return Text(f"{report.title} · isolation: {isolation_text(report)}", style="dim")


def renderables(report: GradeReport) -> list[RenderableType]:
    parts: list[RenderableType] = [header(report), Text("")]
    for sub in report.submissions:
        parts.append(submission_table(sub, report))
        parts.append(Text(""))
    parts.extend(summary_tables(report))
    if report.honesty:  # the instructor's report: identical code, solution copies, course access
        from tutor.grading.insight.text import honesty_table

        parts.extend([Text(""), honesty_table(report.honesty) or Text("")])
    return parts


def render(report: GradeReport, width: int = WIDTH) -> str:
    return plain_text(renderables(report), width)


def plain_text(parts: list[RenderableType], width: int = WIDTH) -> str:
    """Rich renderables as plain text `width` columns wide, trailing blanks trimmed: the text
    report, and the class report's `report.txt`."""
    console = Console(width=width, no_color=True, force_terminal=False, record=True,
                      file=io.StringIO(), legacy_windows=False)
    console.print(Group(*parts))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
