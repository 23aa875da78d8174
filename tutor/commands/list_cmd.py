"""`dltutor list [--json]`: lessons and exercises in course order, with the learner's status:
passed, attempted (the same idea that unlocks a solution: `ATTEMPT_MEANING`) or not started, and
what the file does now (the course map's marks and words, from `tutor.present`)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import (
    add_pack_option,
    add_workspace_option,
    load,
    open_session,
    usage_errors,
)
from tutor.present import STATUS, file_words, rich_style, status_key
from tutor.progress import ATTEMPT_MEANING, ExerciseStatus


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="lessons and exercises with your status")
    add_pack_option(p)
    add_workspace_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    course = load(args)
    session = open_session(args, course)
    workspace, progress = session.workspace, session.progress
    try:
        statuses = session.statuses()
        read = progress.lessons_read()
        states = {e.id: session.file_state(e) for e in course.exercises.values()}
    finally:
        progress.close()
    groups = [(g.lesson.id if g.lesson else None, g.title, g.available)
              for g in course.groups()]
    if args.json:
        doc = {
            "workspace": str(workspace.root),
            "lessons": [{"id": lid, "title": title, "read": lid in read,
                         "exercises": [{"id": e.id, "title": e.title, "pack": e.pack,
                                        "status": statuses.get(e.id, ExerciseStatus.NOT_STARTED).value,
                                        "file": file_words(states[e.id])}
                                       for e in exs]}
                        for lid, title, exs in groups],
            "problems": list(course.problems),
        }
        print(json.dumps(doc, indent=2))
        return 0
    console = Console()
    if progress.notice:
        console.print(Text(progress.notice.message, style="yellow"))
    total = len(course.exercises)
    done = sum(1 for e in course.exercises if states[e].passed)
    table = Table(title=f"dltutor · {done}/{total} exercises pass · workspace {workspace.root}",
                  show_header=True, header_style="bold", expand=False)
    table.add_column("lesson / exercise")
    table.add_column("status")
    table.add_column("what")
    for lid, title, exs in groups:
        mark = " (read)" if lid in read else ""
        table.add_row(Text(title + mark, style="bold cyan"), "", "")
        for e in exs:
            look = STATUS[status_key(states[e.id])]
            name = f"   {e.id}" + (f"  [{e.pack}]" if e.pack else "")
            table.add_row(Text(name), Text(f"{look.mark} {file_words(states[e.id])}",
                                           style=rich_style(look.tone)),
                          Text(e.summary or e.title))
    console.print(table)
    console.print(Text(f"attempted: {ATTEMPT_MEANING}.", style="dim"))
    for problem in course.problems:
        console.print(Text(f"warning: {problem}", style="yellow"))
    return 0
