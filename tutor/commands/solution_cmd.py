"""`dltutor solution ID`: the reference solution, only after a real attempt."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    add_exercise_command(sub, "solution", "show the reference solution (after a real attempt)",
                         run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.session import SolutionLocked

    session, exercise = open_exercise(args)
    console = Console()
    try:
        source = session.solution(exercise)
    except SolutionLocked as exc:
        console.print(Text(str(exc), style="yellow"))
        return int(ExitCode.FAILED)
    finally:
        session.close()
    console.print(Syntax(source, "python", line_numbers=False, word_wrap=True))
    return 0
