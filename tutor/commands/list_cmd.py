"""`dltutor list [--json]`: lessons and exercises in course order, with the learner's status:
passed, attempted (the same idea that unlocks a solution: `ATTEMPT_MEANING`) or not started."""

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
from tutor.progress import ATTEMPT_MEANING, ExerciseStatus

STATUS_MARK = {ExerciseStatus.PASSED: ("✔ passed", "green"),
               ExerciseStatus.ATTEMPTED: ("◐ attempted", "yellow"),
               ExerciseStatus.NOT_STARTED: ("· not started", "dim")}


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
    finally:
        progress.close()
    groups: list[tuple[str | None, str, list]] = [
        (lesson.id, f"{lesson.number:02d}. {lesson.title}",
         [course.exercises[e] for e in lesson.exercises if e in course.exercises])
        for lesson in course.lessons]
    loose = [e for e in course.ordered_exercises() if e.lesson_id is None]
    if loose:
        groups.append((None, "More exercises", loose))
    if args.json:
        doc = {
            "workspace": str(workspace.root),
            "lessons": [{"id": lid, "title": title, "read": lid in read,
                         "exercises": [{"id": e.id, "title": e.title, "pack": e.pack,
                                        "status": statuses.get(e.id, ExerciseStatus.NOT_STARTED).value}
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
    done = sum(1 for e in course.exercises if statuses.get(e) is ExerciseStatus.PASSED)
    table = Table(title=f"dltutor · {done}/{total} exercises passed · workspace {workspace.root}",
                  show_header=True, header_style="bold", expand=False)
    table.add_column("lesson / exercise")
    table.add_column("status")
    table.add_column("what")
    for lid, title, exs in groups:
        mark = " (read)" if lid in read else ""
        table.add_row(Text(title + mark, style="bold cyan"), "", "")
        for e in exs:
            word, style = STATUS_MARK[statuses.get(e.id, ExerciseStatus.NOT_STARTED)]
            name = f"   {e.id}" + (f"  [{e.pack}]" if e.pack else "")
            table.add_row(Text(name), Text(word, style=style), Text(e.summary or e.title))
    console.print(table)
    console.print(Text(f"attempted: {ATTEMPT_MEANING}.", style="dim"))
    for problem in course.problems:
        console.print(Text(f"warning: {problem}", style="yellow"))
    return 0
