"""`dltutor check ID [--file PATH] [--json]`: grade one exercise. Exit 0 on pass, 1 otherwise,
2 on usage errors (unknown id, missing file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    find_exercise,
    load,
    usage_errors,
)
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check one exercise against PyTorch")
    p.add_argument("id", metavar="ID", help="the exercise id, e.g. relu_backward")
    p.add_argument("--file", type=Path, help="check this file instead of your workspace copy")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--timeout", type=float, default=None, help="seconds for all cases")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import GraderError
    from tutor.grading.render import render_result
    from tutor.progress import ProgressStore
    from tutor.session import Session
    from tutor.workspace import Workspace

    course = load(args)
    exercise = find_exercise(course, args.id)
    if args.file is not None and not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    workspace = Workspace.open(args.workspace)
    session = Session(course, workspace, ProgressStore(workspace.progress_path))
    console = Console(stderr=args.json)
    if args.file is None and not workspace.path(exercise).exists():
        path = workspace.ensure(exercise)
        console.print(f"Created {path} from the starter: edit it, then run this again.")
    try:
        with console.status(f"checking {exercise.id} …"):
            result = session.check(exercise, args.file, timeout=args.timeout)
    except GraderError as exc:
        console.print(f"[red]The grader failed:[/red] {exc}", markup=True, highlight=False)
        return int(ExitCode.USAGE)
    finally:
        session.close()
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        console.print(render_result(result))
        if result.passed:
            nxt = course.next_exercise(exercise.id)
            if nxt:
                console.print(f"Next: [bold]{nxt.id}[/bold] — dltutor check {nxt.id}")
        else:
            console.print(f"[dim]Your file: {args.file or workspace.path(exercise)} · "
                          f"stuck? dltutor hint {exercise.id}[/dim]")
    return int(ExitCode.OK if result.passed else ExitCode.FAILED)
