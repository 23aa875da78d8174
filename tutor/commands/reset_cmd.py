"""`dltutor reset ID`: put the starter back (the old file is kept as <id>.py.bak)."""

from __future__ import annotations

import argparse

from tutor.commands.common import (
    add_pack_option,
    add_workspace_option,
    find_exercise,
    load,
    usage_errors,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reset", help="restore an exercise's starter file (keeps a .bak copy)")
    p.add_argument("id", metavar="ID")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.workspace import Workspace

    course = load(args)
    exercise = find_exercise(course, args.id)
    ws = Workspace.open(args.workspace)
    backup = ws.reset(exercise)
    print(f"{ws.path(exercise)} is the starter again."
          + (f" Your previous code is in {backup}." if backup else ""))
    return 0
