"""`dltutor hint ID`: the next hint each time it runs (they unlock one at a time)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors


def register(sub: argparse._SubParsersAction) -> None:
    p = add_exercise_command(sub, "hint", "show the next hint for an exercise", run)
    p.add_argument("--all", action="store_true", help="show the hints unlocked so far")


@usage_errors
def run(args: argparse.Namespace) -> int:
    session, exercise = open_exercise(args)
    console = Console()
    hints = session.hints_unlocked(exercise) if args.all else [session.next_hint(exercise)]
    if not hints or hints[0] is None:
        console.print(f"{exercise.id} has no hints.")
        return 0
    for hint in hints:
        assert hint is not None
        console.print(Panel(Text(hint.text), title=f"Hint {hint.number} of {hint.total}",
                            title_align="left", border_style="cyan"))
    last = hints[-1]
    if last is not None and last.number < last.total:
        console.print(f"[dim]Run it again for hint {last.number + 1}.[/dim]")
    return 0
