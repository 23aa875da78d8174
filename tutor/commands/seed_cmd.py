"""`dltutor seed [--set FILE]`: a strong secret seed for hidden cases (128 random bits).

The seed goes to standard output alone, so `export DLTUTOR_SEED=$(dltutor seed)` works; the line
on how to use it goes to standard error. With `--set`, that line names the variable the set's
[hidden] table reads (`seed_env`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.commands.common import UsageError, usage_errors
from tutor.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "seed", help="make a strong secret seed for grading on hidden cases",
        description="Print a new secret seed (128 random bits) for `dltutor grade`'s hidden "
        "cases, and how to use it. Keep it out of the set file and out of students' reach.")
    p.add_argument("--set", dest="set_file", type=Path, metavar="FILE",
                   help="the assignment set: name the variable its [hidden] table reads")
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.seeds import STRONG_BITS, strong_seed
    from tutor.grading.sets import DEFAULT_SEED_ENV, SetError, load_set

    env = DEFAULT_SEED_ENV
    if args.set_file is not None:
        try:
            assignment = load_set(args.set_file)
        except SetError as exc:
            raise UsageError(str(exc)) from None
        if assignment.hidden is not None:
            env = assignment.hidden.seed_env
    seed = strong_seed()
    sys.stdout.write(f"{seed}\n")
    sys.stdout.flush()
    also = "" if args.set_file is not None or env != DEFAULT_SEED_ENV else \
        " (or the variable your set's [hidden] seed_env names)"
    print(f"use it with: export {env}={seed}{also} · keep it secret (a CI secret, or a file for "
          f"`dltutor export gradescope --seed-file`), never in the set file · {STRONG_BITS} "
          "random bits", file=sys.stderr)
    return int(ExitCode.OK)
