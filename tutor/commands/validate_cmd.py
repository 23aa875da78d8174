"""`dltutor validate [--pack DIR] [ID...]`: prove exercises are sound (for authors and CI)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import add_pack_option, find_exercise, load, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check that exercises are sound (solution passes, "
                       "starter fails, every known mistake is caught and named)")
    p.add_argument("ids", nargs="*", metavar="ID", help="only these exercises")
    add_pack_option(p)
    p.add_argument("--pack-only", action="store_true",
                   help="validate only the packs' exercises, not the built-in ones")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--seed", type=int, default=None)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import Grader
    from tutor.grading.validate import validate_exercise

    course = load(args)
    if args.ids:
        exercises = [find_exercise(course, i) for i in args.ids]
    else:
        exercises = course.ordered_exercises()
        if args.pack_only:
            exercises = [e for e in exercises if e.pack]
    console = Console(stderr=args.json)
    results = []
    load_problems = [] if args.ids else list(course.problems)
    with Grader() as grader:
        for exercise in exercises:
            with console.status(f"validating {exercise.id} ..."):
                results.append(validate_exercise(grader, exercise, seed=args.seed))
    ok = all(r.ok for r in results) and not load_problems
    if args.json:
        print(json.dumps({"ok": ok, "load_problems": load_problems,
                          "exercises": [r.to_dict() for r in results]}, indent=2))
    else:
        table = Table(title="dltutor validate", show_lines=False)
        table.add_column("exercise")
        table.add_column("cases", justify="right")
        table.add_column("mistakes", justify="right")
        table.add_column("result")
        for r in results:
            verdict = Text("ok", style="green") if r.ok else Text("\n".join(r.problems),
                                                                   style="red")
            table.add_row(r.exercise, f"{r.facts.get('cases', '?')}+"
                          f"{r.facts.get('hidden_cases', '?')}",
                          str(r.facts.get("mistakes", 0)), verdict)
        console.print(table)
        for problem in load_problems:
            console.print(Text(f"load problem: {problem}", style="red"))
        bad = sum(not r.ok for r in results) + len(load_problems)
        console.print(Text(f"{len(results) - sum(not r.ok for r in results)} of {len(results)} "
                           f"exercises sound" + (f"; {bad} problem(s)" if bad else ""),
                           style="green" if ok else "red"))
    return int(ExitCode.OK if ok else ExitCode.FAILED)
