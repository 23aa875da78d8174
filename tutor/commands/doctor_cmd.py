"""`dltutor doctor [--json]`: which layers of the grading jail this machine gives, and how to
enable the rest. Exit 0 with full isolation, 1 with partial isolation.

It builds the jail exactly as a check's child would, in a throwaway process, without starting
the grading worker (no torch import: it answers in a fraction of a second)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from tutor.commands.common import usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor", help="show which isolation layers grading gets on this machine",
        description="Build the grading jail in a throwaway process and print which layers are "
        "active (PID, mount and network namespaces, uid, environment, terminal, limits) and "
        "how to enable the missing ones. Exit 0 with full isolation, 1 with partial.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from tutor.grading.isolation import decide

    _, isolation = decide()
    if args.json:
        print(json.dumps({**isolation.to_dict(), "uid": os.geteuid(),
                          "platform": sys.platform}, indent=2))
    else:
        console = Console(highlight=False)
        console.print(Text(f"grading isolation: {isolation.summary()}",
                           style="bold green" if isolation.full else "bold yellow"))
        console.print(Text(f"grader runs as uid {os.geteuid()}", style="dim"))
        for layer in isolation.layers:
            console.print(Text.assemble(("  ✔ " if layer.on else "  ✘ ",
                                         "green" if layer.on else "red"),
                                        (f"{layer.name:7s}", "bold"), layer.detail))
        if not isolation.full:
            console.print(Text("Partial isolation: `dltutor grade` refuses hidden cases "
                               "unless given --allow-partial-isolation.", style="yellow"))
        for tip in isolation.advice:
            console.print(Text("  → " + tip))
    return int(ExitCode.OK if isolation.full else ExitCode.FAILED)
