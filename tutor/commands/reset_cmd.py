"""`dltutor reset ID`: put the starter back. The code it replaces is kept as a version in your
progress (`dltutor history ID`, `dltutor restore ID`) and written to <id>.py.bak."""

from __future__ import annotations

import argparse
import sys

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors


def register(sub: argparse._SubParsersAction) -> None:
    add_exercise_command(sub, "reset", "put the starter back (your code is kept: see history)",
                         run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    session, exercise = open_exercise(args)
    try:
        before = session.file_state(exercise)
        backup = session.reset(exercise)
        kept = next((v for v in session.history(exercise) if v.digest == before.digest), None)
    finally:
        session.close()
    path = session.workspace.path(exercise)
    line = f"{path} is the starter again."
    if backup is not None:
        line += f" Your previous code is in {backup}"
        if kept is not None and session.progress.persistent:
            line += (f" and kept as version {kept.number} (`dltutor history {exercise.id}`; "
                     f"`dltutor restore {exercise.id}` brings it back)")
        line += "."
    print(line)
    if session.progress.notice:
        print(f"note: {session.progress.notice.message}", file=sys.stderr)
    return 0
