"""`dltutor validate [ID...] [--pack DIR] [--pack-only] [--json]`: prove exercises are sound.

For exercise authors, instructors checking their packs, and CI. Exit 0 when every exercise is
sound and the content loads cleanly, 1 when anything is off, 2 on usage errors (unknown id,
missing pack folder)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import UsageError, add_pack_option, find_exercise, load, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check that exercises are sound (solution passes, "
                       "starter fails, every known mistake is caught and named)")
    p.add_argument("ids", nargs="*", metavar="ID", help="only these exercises")
    add_pack_option(p)
    p.add_argument("--pack-only", action="store_true",
                   help="validate only the packs' exercises, not the built-in ones")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--seed", type=int, default=None,
                   help="also prove the hidden cases of this seed (default: a fixed one)")
    p.set_defaults(func=run)


def _pack_problems(packs: list[Path], problems: tuple[str, ...]) -> list[str]:
    """The load problems that concern the packs (a pack author cannot fix the built-ins')."""
    roots = [str(Path(p).expanduser().resolve()) for p in packs]
    return [m for m in problems if any(root in m for root in roots)]


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import Grader, GraderError
    from tutor.grading.validate import validate_exercise

    if args.pack_only and not args.pack:
        raise UsageError("--pack-only needs at least one --pack DIR")
    course = load(args)
    if args.ids:
        exercises = [find_exercise(course, i) for i in args.ids]
    else:
        exercises = course.ordered_exercises()
        if args.pack_only:
            exercises = [e for e in exercises if e.pack]
    if args.ids:
        load_problems: list[str] = []
    elif args.pack_only:
        load_problems = _pack_problems(args.pack, course.problems)
    else:
        load_problems = list(course.problems)
    for pack in args.pack:
        root = Path(pack).expanduser().resolve()
        if not any(e.directory.parent.parent == root for e in course.exercises.values()) and \
                not any(str(root) in m for m in course.problems):
            load_problems.append(f"pack {root} holds no exercises (expected "
                                 f"{root}/exercises/<id>/exercise.toml)")
    console = Console(stderr=args.json, highlight=False)
    results = []
    try:
        if exercises:
            with Grader() as grader:
                for exercise in exercises:
                    with console.status(f"validating {exercise.id} …"):
                        results.append(validate_exercise(grader, exercise, seed=args.seed))
    except GraderError as exc:
        console.print(Text(f"The grader failed: {exc}", style="red"))
        return int(ExitCode.USAGE)
    ok = all(r.ok for r in results) and not load_problems
    if args.json:
        print(json.dumps({"ok": ok, "load_problems": load_problems,
                          "exercises": [r.to_dict() for r in results]}, indent=2))
        return int(ExitCode.OK if ok else ExitCode.FAILED)
    table = Table(title="dltutor validate", title_justify="left", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    table.add_column("cases", justify="right", no_wrap=True)
    table.add_column("mistakes", justify="right")
    table.add_column("result")
    for r in results:
        verdict = Text("ok", style="green") if r.ok else Text(
            "\n".join(f"✘ {p}" for p in r.problems), style="red")
        for note in r.notes:
            verdict.append(f"\nnote: {note}", style="yellow")
        table.add_row(r.exercise, f"{r.facts.get('cases', '?')} · "
                      f"{r.facts.get('hidden_cases', '?')} hidden",
                      str(r.facts.get("mistakes", 0)), verdict)
    if results:
        console.print(table)
    for problem in load_problems:
        console.print(Text(f"✘ load problem: {problem}", style="red"))
    bad = sum(not r.ok for r in results)
    summary = f"{len(results) - bad} of {len(results)} exercises sound"
    if load_problems:
        summary += f"; {len(load_problems)} load problem(s)"
    console.print(Text(summary, style="bold green" if ok else "bold red"))
    return int(ExitCode.OK if ok else ExitCode.FAILED)
