"""`dltutor reset ID`: put the starter back (the old file is kept as <id>.py.bak)."""

from __future__ import annotations

import argparse

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors


def register(sub: argparse._SubParsersAction) -> None:
    add_exercise_command(sub, "reset", "restore an exercise's starter file (keeps a .bak copy)",
                         run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    session, exercise = open_exercise(args)
    try:
        backup = session.reset(exercise)
    finally:
        session.close()
    print(f"{session.workspace.path(exercise)} is the starter again."
          + (f" Your previous code is in {backup}." if backup else ""))
    return 0
