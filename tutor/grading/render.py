"""Pure formatters: a `CheckResult` as Rich renderables (CLI, watch, TUI) or plain text.

Learner-controlled text (their printed output, exception messages, tracebacks) is only ever put in
`rich.text.Text` objects, never parsed as markup, and stripped of control characters, so it can
neither crash the renderer (MarkupError) nor fake a green verdict with escape sequences."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tutor.grading.results import ChainReport, CheckResult, InputSummary, Verdict
from tutor.present import RICH_PALETTE, Palette, inert, rich_style, verdict

OUTPUT_SHOWN = 2000


def plain(text: str) -> Text:
    """Learner text as inert plain text: escape sequences and control characters removed."""
    return Text(inert(text))


def headline(result: CheckResult, palette: Palette = RICH_PALETTE) -> Text:
    line = Text()
    look = verdict(result.verdict)
    line.append(f" {look.word} ", style="reverse " + rich_style(look.tone, bold=True,
                                                                palette=palette))
    line.append(f"  {result.exercise}  ", style="bold")
    if result.cases_total:
        line.append(f"{result.cases_passed}/{result.cases_total} cases · score "
                    f"{result.score:.0%} · {result.duration_ms:.0f} ms", style="dim")
    return line


def render_result(result: CheckResult, *, show_output: bool = True,
                  palette: Palette = RICH_PALETTE) -> RenderableType:
    """The report of one check. `palette` colours it by tone (the app passes its theme's)."""
    error, warning = palette["error"], palette["warning"]
    parts: list[RenderableType] = [headline(result, palette)]
    if result.verdict is Verdict.PASS:
        if result.chain is not None:
            parts.append(chain_panel(result.chain, palette))
        if show_output and result.output:
            parts.append(_output_panel(result))
        return Group(*parts)
    parts.append(plain(result.message))
    if result.excerpt:  # a file that did not load: the line the message points at, and no case
        parts.append(Panel(plain(result.excerpt), title="Your file", title_align="left",
                           border_style=error))
    if result.diagnosis:
        parts.append(Panel(plain(result.diagnosis), title="Likely mistake",
                           title_align="left", border_style=warning))
    report = result.report
    if report:
        title = f"Case {report.case_index + 1} of {report.cases_total}"
        if report.label:
            title += f": {report.label}"
        table = _inputs_table(report.inputs)
        table.add_row(Text("seed"), Text(report.seed + ("  (hidden case: values not shown)"
                                                        if report.hidden else "")))
        rows: list[RenderableType] = [table]
        if report.expected or report.got:
            cmp = Table.grid(padding=(0, 1))
            cmp.add_column(style="bold")
            cmp.add_column()
            if report.place:
                cmp.add_row(Text("in"), plain(report.place))
            cmp.add_row(Text("expected"), plain(report.expected))
            cmp.add_row(Text("got"), plain(report.got))
            mismatch = report.mismatch or {}
            if mismatch.get("max_abs_error") is not None:
                rel = mismatch.get("max_rel_error")
                cmp.add_row(Text("error"), Text(
                    f"{mismatch['mismatched']} of {mismatch['elements']} differ · max abs "
                    f"{mismatch['max_abs_error']:.3g}" + (f" · max rel {rel:.3g}"
                                                          if rel is not None else "")))
            rows.append(cmp)
            worst = mismatch.get("worst") or []
            if worst:
                side = Table(box=None, padding=(0, 2), show_edge=False)
                side.add_column("index", style="dim")
                side.add_column("expected", justify="right")
                side.add_column("got", justify="right")
                for w in worst:
                    side.add_row(plain(str(w["index"])), Text(f"{w['expected']:.6g}"),
                                 Text(f"{w['got']:.6g}", style=error))
                # a named place is in the `in` row above; a bare path is short enough to repeat
                rows.append(Text("worst mismatches:" if report.place else
                                 f"worst mismatches in {mismatch.get('where', 'output')}:",
                                 style="dim"))
                rows.append(side)
        if report.traceback:
            rows.append(Panel(plain(report.traceback.rstrip()), title="Traceback (your code)",
                              title_align="left", border_style=error))
        parts.append(Panel(Group(*rows), title=title, title_align="left"))
    if result.chain is not None:
        parts.append(chain_panel(result.chain, palette))
    if show_output and result.output:
        parts.append(_output_panel(result))
    return Group(*parts)


def chain_panel(chain: ChainReport, palette: Palette = RICH_PALETTE) -> Panel:
    """The exercise run with the learner's own earlier functions: feedback beside the verdict
    (which comes from the run with the reference ones). A culprit's call is shown with its
    inputs, like a failing case."""
    rows: list[RenderableType] = [plain(chain.message)]
    culprit = chain.culprit
    if culprit is not None and culprit.inputs:
        table = _inputs_table(culprit.inputs)
        rows.append(Text(f"the call to {culprit.function}:", style="dim"))
        rows.append(table)
    tone = {"failed": palette["warning"], "passed": palette["success"]}.get(chain.status,
                                                                             palette["muted"])
    return Panel(Group(*rows), title="With your own earlier functions", title_align="left",
                 border_style=tone)


def _inputs_table(inputs: Iterable[InputSummary]) -> Table:
    """Name, shape and dtype, and a preview of each input: a failing case's or a culprit call's."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    for inp in inputs:
        value = plain(inp.description)
        if inp.preview:
            value.append("  ")
            value.append_text(plain(inp.preview))
        table.add_row(plain(inp.name), value)
    return table


def _output_panel(result: CheckResult) -> Panel:
    text = result.output
    cut = len(text) > OUTPUT_SHOWN or result.output_truncated
    body = plain(text[:OUTPUT_SHOWN])
    if cut:
        body.append("\n… output truncated", style="dim")
    return Panel(body, title="Your printed output", title_align="left", border_style="dim")
