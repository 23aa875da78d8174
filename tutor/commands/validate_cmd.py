"""`dltutor validate [ID...] [--pack DIR] [--pack-only] [--mutants] [--json]`: prove exercises
are sound.

For exercise authors, instructors checking their packs, and CI. Exit 0 when every exercise is
sound and the content loads cleanly (and, with `--mutants`, no mutant of a solution passes the
public cases), 1 when anything is off, 2 on usage errors (unknown id, missing pack folder)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import UsageError, add_pack_option, find_exercise, load, usage_errors
from tutor.exitcodes import ExitCode

if TYPE_CHECKING:
    from tutor.grading.validate import MutationReport


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
    p.add_argument("--mutants", action="store_true",
                   help="also grade mutants of each solution (operators swapped, constants "
                   "nudged, axes changed, ...) and report those the public cases let pass")
    p.set_defaults(func=run)


def _pack_problems(packs: list[Path], problems: tuple[str, ...]) -> list[str]:
    """The load problems that concern the packs (a pack author cannot fix the built-ins')."""
    roots = [str(Path(p).expanduser().resolve()) for p in packs]
    return [m for m in problems if any(root in m for root in roots)]


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import Grader, GraderError
    from tutor.grading.validate import (
        MUTANT_SEEDS,
        CaseStability,
        mutation_test,
        validate_exercise,
        with_problems,
    )

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
    mutations: dict[str, MutationReport] = {}
    stability = CaseStability(exercises, args.seed).start() if exercises else None
    seeds = MUTANT_SEEDS if args.seed is None else (*MUTANT_SEEDS, args.seed)
    try:
        if exercises:
            with Grader() as grader:
                for exercise in exercises:
                    with console.status(f"validating {exercise.id} …"):
                        results.append(validate_exercise(grader, exercise, seed=args.seed))
                    if args.mutants:
                        with console.status(f"mutants of {exercise.id} …") as status:
                            def progress(done: int, total: int, ex_id: str = exercise.id) -> None:
                                status.update(f"mutants of {ex_id}: {done} of {total} …")
                            mutations[exercise.id] = mutation_test(
                                grader, exercise, seeds=seeds, progress=progress)
    except GraderError as exc:
        console.print(Text(f"The grader failed: {exc}", style="red"))
        return int(ExitCode.USAGE)
    if stability is not None:
        with console.status("checking that the cases depend on the seed alone …"):
            found = stability.problems()
        results = [with_problems(r, found.get(r.exercise, [])) for r in results]
    surviving = sum(len(m.surviving) for m in mutations.values())
    ok = all(r.ok for r in results) and not load_problems and not surviving
    if args.json:
        docs = []
        for r in results:
            doc = r.to_dict()
            if args.mutants:
                doc["mutants"] = mutations[r.exercise].to_dict()
            docs.append(doc)
        print(json.dumps({"ok": ok, "load_problems": load_problems, "exercises": docs},
                         indent=2))
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
    if args.mutants and mutations:
        print_mutations(console, list(mutations.values()))
    bad = sum(not r.ok for r in results)
    summary = f"{len(results) - bad} of {len(results)} exercises sound"
    if load_problems:
        summary += f"; {len(load_problems)} load problem(s)"
    if args.mutants:
        summary += f"; {surviving} surviving mutant(s)"
    console.print(Text(summary, style="bold green" if ok else "bold red"))
    return int(ExitCode.OK if ok else ExitCode.FAILED)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {seconds % 60:02.0f} s"


def print_mutations(console: Console, reports: list[MutationReport]) -> None:
    """The per-exercise counts, then each surviving mutant with its line and change."""
    table = Table(title="mutants of the solutions (graded on the public cases)",
                  title_justify="left", header_style="bold")
    table.add_column("exercise", no_wrap=True)
    for name in ("made", "killed", "equivalent", "surviving"):
        table.add_column(name, justify="right")
    table.add_column("time", justify="right", no_wrap=True)
    for m in reports:
        table.add_row(m.exercise, str(m.made), str(m.count("killed")),
                      str(m.count("equivalent")),
                      Text(str(len(m.surviving)), style="red" if m.surviving else "green"),
                      _duration(m.seconds) if not m.skipped else Text(
                          f"skipped: {m.skipped}", style="yellow"))
    table.add_row(Text("total", style="bold"), *(str(n) for n in (
        sum(m.made for m in reports), sum(m.count("killed") for m in reports),
        sum(m.count("equivalent") for m in reports),
        sum(len(m.surviving) for m in reports))),
        _duration(sum(m.seconds for m in reports)))
    console.print(table)
    for m in reports:
        if not m.surviving:
            continue
        console.print(Text(f"{m.exercise}: {len(m.surviving)} mutant(s) pass every public case",
                           style="bold red"))
        for r in m.surviving:
            line = Text(f"  line {r.line}: {r.description}")
            if r.caught_by:
                line.append(f"\n      told apart by {r.caught_by}", style="dim")
            console.print(line)
