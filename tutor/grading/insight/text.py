"""The class report in a terminal: Rich renderables, or plain text at a fixed width.

The same numbers as the HTML page and the JSON (all three read a `ClassInsight`): the score
distribution as bars, each exercise's pass rate and mean, the known mistakes with how many made
them (most common first), per-case pass rates, and the honesty signals. Every name from a
submission goes into a `Text`, made inert, never parsed as markup."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from tutor.grading.formats.common import inert
from tutor.grading.formats.text import plain_text
from tutor.grading.gradebook import format_points
from tutor.grading.insight.model import ClassInsight, percent
from tutor.grading.insight.signals import HonestySignal

WIDTH = 100
BAR = 30  #: characters of the longest distribution bar


def _bar(fraction: float, width: int = BAR) -> str:
    cells = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * cells + "·" * (width - cells)


def _title(text: str) -> Text:
    return Text(text, style="bold")


def headline(insight: ClassInsight) -> Text:
    n = insight.submissions
    line = Text(f"Class report · {inert(insight.title)}", style="bold")
    line.append(f"\n{n} submission{'s' if n != 1 else ''} · mean "
                f"{format_points(insight.mean)}/{format_points(insight.max_score)} · median "
                f"{format_points(insight.median)} · lowest {format_points(insight.lowest)} · "
                f"highest {format_points(insight.highest)}", style="")
    if insight.min_score is not None:
        line.append(f" · {insight.below_min_score} below the minimum of "
                    f"{format_points(insight.min_score)}")
    line.append(" · hidden cases" if insight.hidden else " · public cases")
    if insight.mistakes:
        top = insight.mistakes[0]
        line.append("\nMost common mistake: ", style="yellow")
        line.append(inert(top.sentence))
    return line


def distribution_table(insight: ClassInsight) -> Table:
    table = Table(title=_title("Score distribution (% of the maximum)"), title_justify="left",
                  header_style="bold", box=None, show_header=False)
    table.add_column("range", justify="right", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    most = max((b.count for b in insight.distribution), default=0)
    for b in insight.distribution:
        table.add_row(b.label, Text(_bar(b.count / most if most else 0.0), style="cyan"),
                      str(b.count))
    return table


def exercises_table(insight: ClassInsight) -> Table:
    table = Table(title=_title("Per exercise"), title_justify="left", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    table.add_column("passed", justify="right", no_wrap=True)
    table.add_column("pass rate", no_wrap=True)
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("handed in", justify="right", no_wrap=True)
    table.add_column("missing", justify="right", no_wrap=True)
    for e in insight.exercises:
        table.add_row(Text(inert(e.id)), f"{e.passed}/{e.total}",
                      Text(f"{_bar(e.pass_rate, 12)} {percent(e.pass_rate)}", style="green"),
                      f"{format_points(e.mean)}/{format_points(e.max_score)}",
                      f"{e.submitted}/{e.total}", str(e.missing))
    return table


def mistakes_table(insight: ClassInsight) -> RenderableType:
    if not insight.mistakes:
        return Text("What the class got wrong: no known mistake was recognised.", style="dim")
    table = Table(title=_title("What the class got wrong (known mistakes, most common first)"),
                  title_justify="left", header_style="bold")
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("exercise", no_wrap=True)
    table.add_column("mistake")
    table.add_column("what the students read")
    for m in insight.mistakes:
        table.add_row(Text(percent(m.share), style="bold yellow"), f"{m.count}/{m.submitted}",
                      Text(inert(m.exercise)), Text(inert(m.label)), Text(inert(m.description)))
    return table


def cases_table(insight: ClassInsight) -> RenderableType:
    if not insight.cases:
        return Text("Per case: no per-case outcomes in this report.", style="dim")
    table = Table(title=_title("Pass rate per case"), title_justify="left", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    table.add_column("cases")
    table.add_column("pass rate per case (case number: % of the files that ran on it)")
    for e in insight.exercises:
        cases = insight.cases_of(e.id)
        if not cases:
            continue
        kinds = sorted({"hidden" if c.hidden else "public" for c in cases})
        table.add_row(Text(inert(e.id)), " + ".join(kinds),
                      Text("  ".join(f"{c.index + 1}: {percent(c.rate)}" for c in cases)))
    return table


def honesty_table(signals: tuple[HonestySignal, ...]) -> RenderableType | None:
    """The signals as a table for the instructor (None when there are none); the grade text
    report shows it too."""
    if not signals:
        return None
    table = Table(title=_title("Honesty signals · for the instructor, never shown to students"),
                  title_justify="left", header_style="bold", caption=Text(
                      "A signal is a reason to read the code, not a verdict.", style="dim"),
                  caption_justify="left")
    table.add_column("signal", no_wrap=True)
    table.add_column("exercise", no_wrap=True)
    table.add_column("submissions")
    table.add_column("detail")
    for s in signals:
        detail = inert(s.detail) + (f" ({inert(s.file)})" if s.file else "")
        table.add_row(Text(s.label, style="magenta"), Text(inert(s.exercise) or "-"),
                      Text(inert(", ".join(s.submissions))), Text(detail))
    return table


def renderables(insight: ClassInsight) -> list[RenderableType]:
    parts: list[RenderableType] = [headline(insight), Text(""), distribution_table(insight),
                                   Text(""), exercises_table(insight), Text(""),
                                   mistakes_table(insight), Text(""), cases_table(insight)]
    honesty = honesty_table(insight.honesty)
    if honesty is not None:
        parts.extend([Text(""), honesty])
    return parts


def render(insight: ClassInsight, width: int = WIDTH) -> str:
    return plain_text(renderables(insight), width)
