"""`dltutor report RESULTS.json [--output DIR]`: what a graded class got wrong.

Reads the JSON of an earlier `dltutor grade --format json` (or `--also json=PATH`), prints the
class report in the terminal (score distribution, per-exercise and per-case pass rates, how often
each known mistake occurred, honesty signals), and with `--output DIR` writes DIR/index.html (a
self-contained page with charts), DIR/report.json and DIR/report.txt. For instructors: it shows
honesty signals, so it is never a student's report. Exit 0, or 2 when RESULTS.json is missing,
not JSON or not a grade report, or DIR cannot be written."""

from __future__ import annotations

import argparse
from pathlib import Path

from tutor.commands.common import UsageError, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="the class report of a grading: what the class got wrong (instructors)",
        description="Read the JSON report of `dltutor grade --format json` and show what the "
        "class got wrong: the score distribution, pass rates per exercise and per case, how "
        "often each known mistake occurred, and honesty signals. With --output DIR, also write "
        "DIR/index.html (open it in a browser), DIR/report.json and DIR/report.txt.")
    p.add_argument("results", type=Path, metavar="RESULTS.json",
                   help="the JSON that `dltutor grade --format json` (or --also json=PATH) wrote")
    p.add_argument("--output", "-o", type=Path, metavar="DIR",
                   help="also write index.html, report.json and report.txt into DIR")
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from rich.console import Console, Group

    from tutor.grading.insight.aggregate import class_insight
    from tutor.grading.insight.load import ReportError, read_grade_report
    from tutor.grading.insight.text import renderables
    from tutor.grading.insight.write import ReportWriteError, write_class_report

    try:
        report = read_grade_report(args.results)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    insight = class_insight(report)
    Console(highlight=False).print(Group(*renderables(insight)))
    if args.output is not None:
        try:
            written = write_class_report(insight, args.output)
        except ReportWriteError as exc:
            raise UsageError(str(exc)) from None
        Console(stderr=True, highlight=False).print(
            f"wrote the class report: {written[0]} (and report.json, report.txt beside it)",
            style="dim", markup=False)
    return int(ExitCode.OK)
