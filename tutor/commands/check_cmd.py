"""`dltutor check ID [--file PATH] [--json]`: grade one exercise. Exit 0 on pass, 1 otherwise,
2 on usage errors (unknown id, missing file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tutor.commands.common import UsageError, add_exercise_command, open_exercise, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = add_exercise_command(sub, "check", "check one exercise against PyTorch", run)
    p.add_argument("--file", type=Path, help="check this file instead of your workspace copy")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--timeout", type=float, default=None, help="seconds for all cases")


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import GraderError
    from tutor.grading.render import render_result

    if args.file is not None and not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    session, exercise = open_exercise(args)
    course, workspace = session.course, session.workspace
    console = Console(stderr=args.json)
    if args.file is None and not workspace.path(exercise).exists():
        path = workspace.ensure(exercise)
        console.print(Text(f"Created {path} from the starter: edit it, then run this again."))
    try:
        with console.status(f"checking {exercise.id} …"):
            result = session.check(exercise, args.file, timeout=args.timeout)
            notice = session.isolation_notice()
    except GraderError as exc:
        console.print(Text.assemble(("The grader failed: ", "red"), str(exc)))
        return int(ExitCode.USAGE)
    finally:
        session.close()
    if notice:  # never silently: one line, on stderr so --json stays parseable
        Console(stderr=True, highlight=False).print(Text("note: " + notice, style="yellow"))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        console.print(render_result(result))
        if result.passed:
            nxt = course.next_exercise(exercise.id)
            if nxt:
                console.print(f"Next: [bold]{nxt.id}[/bold] — dltutor check {nxt.id}")
        else:
            console.print(Text(f"Your file: {args.file or workspace.path(exercise)} · "
                               f"stuck? dltutor hint {exercise.id}", style="dim"))
    return int(ExitCode.OK if result.passed else ExitCode.FAILED)
