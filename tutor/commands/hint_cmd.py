"""`dltutor hint ID`: the next hint each time it runs (they unlock one at a time); after the last
one, where the solution is.

Where progress cannot be saved (a read-only workspace, a progress file from a newer dltutor), the
next run would not know a hint was shown and would repeat hint 1 forever: then every hint is
shown at once, with a note saying why."""

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
    try:
        saved = session.progress.persistent
        if not exercise.hints:
            console.print(f"{exercise.id} has no hints. Stuck? `dltutor solution {exercise.id}` "
                          "shows the reference solution once you have attempted it.")
            return 0
        if not saved:
            hints = session.all_hints(exercise)
        elif args.all:
            hints = session.hints_unlocked(exercise)
            if not hints:
                console.print(f"No hint for {exercise.id} is unlocked yet: "
                              f"`dltutor hint {exercise.id}` shows the first.")
                return 0
        else:
            hint = session.next_hint(exercise)
            assert hint is not None
            hints = [hint]
            saved = session.progress.persistent  # the write itself may have failed
    finally:
        session.close()
    if session.progress.notice:
        console.print(Text(session.progress.notice.message, style="yellow"))
    if not saved and not args.all and len(hints) == 1:
        hints = session.all_hints(exercise)
    if not saved:
        console.print(Text("Your progress cannot be saved, so hints cannot unlock one at a time "
                           f"across runs: here are all {len(hints)}.", style="yellow"))
    for hint in hints:
        console.print(Panel(Text(hint.text), title=f"Hint {hint.number} of {hint.total}",
                            title_align="left", border_style="cyan"))
    last = hints[-1]
    if not last.last:
        console.print(Text(f"`dltutor hint {exercise.id}` shows hint {last.number + 1}.",
                           style="dim"))
    else:
        console.print(Text(f"That was the last hint. Still stuck? `dltutor solution "
                           f"{exercise.id}` shows the reference solution (once you have "
                           "attempted the exercise).", style="dim"))
    return 0
