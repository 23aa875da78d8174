"""`dltutor solution ID`: the reference solution, once the exercise is attempted (the rule is
`Session.solution_unlocked`). On a terminal it is highlighted; anywhere else (`> file.py`, a pipe)
it is printed byte for byte, so the file it makes is the solution itself."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    add_exercise_command(sub, "solution", "show the reference solution (once attempted)", run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.session import SolutionLocked

    session, exercise = open_exercise(args)
    try:
        source = session.solution(exercise)
    except SolutionLocked as exc:
        Console(stderr=not sys.stdout.isatty()).print(Text(str(exc), style="yellow"))
        return int(ExitCode.FAILED)
    finally:
        session.close()
    if not sys.stdout.isatty():
        sys.stdout.write(source)
        sys.stdout.flush()
        return 0
    Console().print(Syntax(source, "python", line_numbers=False, word_wrap=True))
    return 0
