"""`dltutor history ID [--json]`: every version of your file for an exercise that was checked,
reset away or replaced by a restore — when, with which verdict and score — oldest first, with the
one your file holds now marked. `dltutor restore ID N` brings one back."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import add_exercise_command, open_exercise, usage_errors
from tutor.present import rich_style, verdict


def register(sub: argparse._SubParsersAction) -> None:
    p = add_exercise_command(sub, "history", "the versions of your code kept for an exercise",
                             run)
    p.add_argument("--json", action="store_true", help="print one JSON document")


@usage_errors
def run(args: argparse.Namespace) -> int:
    session, exercise = open_exercise(args)
    try:
        versions = session.history(exercise)
        state = session.file_state(exercise)
    finally:
        session.close()
    path = session.workspace.path(exercise)
    if args.json:
        print(json.dumps({"exercise": exercise.id, "file": str(path), "current": state.version,
                          "versions": [v.to_dict() for v in versions]}, indent=2))
        return 0
    console = Console(highlight=False)
    if session.progress.notice:
        console.print(Text(session.progress.notice.message, style="yellow"))
    if not versions:
        console.print(f"No version of {exercise.id} is kept yet: one is kept each time you "
                      f"check {path}, reset it or restore another.")
        return 0
    table = Table(title=f"{exercise.id} · {len(versions)} version"
                  f"{'s' if len(versions) != 1 else ''} kept · {path}",
                  header_style="bold", expand=False)
    for column in ("#", "when", "verdict", "score", "kept by", ""):
        table.add_column(column, justify="right" if column in ("#", "score") else "left")
    for v in versions:
        table.add_row(str(v.number), v.when,
                      Text(v.verdict or "not checked",
                           style=rich_style(verdict(v.verdict).tone)),
                      "" if v.score is None else f"{v.score:.0%}", v.reason,
                      Text("← your file", style="bold") if v.number == state.version else "")
    console.print(table)
    console.print(Text(f"`dltutor restore {exercise.id} N` puts version N back (your file is "
                       "kept as a version first).", style="dim"))
    return 0
