"""`dltutor solution ID`: the reference solution, only after a real attempt."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.syntax import Syntax

from tutor.commands.common import (
    add_pack_option,
    add_workspace_option,
    find_exercise,
    load,
    usage_errors,
)
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solution", help="show the reference solution (after a real attempt)")
    p.add_argument("id", metavar="ID")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.progress import ProgressStore
    from tutor.session import Session, SolutionLocked
    from tutor.workspace import Workspace

    course = load(args)
    exercise = find_exercise(course, args.id)
    ws = Workspace.open(args.workspace)
    session = Session(course, ws, ProgressStore(ws.progress_path))
    console = Console()
    try:
        source = session.solution(exercise)
    except SolutionLocked as exc:
        console.print(f"[yellow]{exc}[/yellow]", highlight=False)
        return int(ExitCode.FAILED)
    console.print(Syntax(source, "python", line_numbers=False, word_wrap=True))
    return 0
