"""`dltutor new ID --pack DIR`: scaffold an exercise in an instructor's pack.

Writes a complete, working example exercise named ID (exercise.toml, README.md, starter.py,
check.py with a PyTorch reference, three known mistakes, the solution) that `dltutor validate`
accepts at once; the author then replaces the example step by step."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tutor.commands.common import UsageError, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("new", help="scaffold a new exercise in an instructor's pack",
                       description="Write a working example exercise named ID under "
                       "DIR/exercises/ID and DIR/solutions/ID.py, ready for `dltutor validate`.")
    p.add_argument("id", metavar="ID", help="the new exercise's id (snake_case)")
    p.add_argument("--pack", type=Path, required=True, metavar="DIR",
                   help="the pack folder (created if needed)")
    p.add_argument("--title", default=None, help="the exercise's title")
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.course import ContentError, load_course
    from tutor.course.scaffold import ScaffoldError, check_id, scaffold_exercise

    try:
        check_id(args.id)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    try:
        builtin = load_course()
    except ContentError:  # pragma: no cover - load_course collects problems instead
        builtin = None
    if builtin is not None and args.id in builtin.exercises and \
            builtin.exercises[args.id].pack is None:
        raise UsageError(f"{args.id!r} is a built-in exercise: a pack's ids must differ "
                         "from the built-in ones")
    try:
        made = scaffold_exercise(args.pack, args.id, args.title)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the exercise: {exc}") from None
    console = Console(highlight=False, soft_wrap=True)  # commands stay copyable
    console.print(Text(f"Created exercise {args.id} in {args.pack}:", style="bold green"))
    for path in made.files:
        console.print(Text(f"  {path}"))
    pack = str(args.pack)
    console.print(Text.assemble(
        "\nIt is a working example (mean squared error) that already validates. Next:\n",
        "  1. check it:        ", (f"dltutor validate --pack {pack} {args.id}\n", "bold"),
        "  2. replace README.md, starter.py, check.py (cases + PyTorch reference),\n"
        f"     solutions/{args.id}.py and mistakes/, re-validating after each step\n",
        "  3. try it as a learner: ",
        (f"dltutor check {args.id} --pack {pack} --file {made.files[4]}\n", "bold"),
        "  4. delete the 'dltutor-scaffold' lines; put the id in an assignment set."))
    return int(ExitCode.OK)
