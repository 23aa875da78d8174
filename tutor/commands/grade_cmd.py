"""`dltutor grade [--set FILE] SUBMISSION...`: grade folders of submissions headlessly.

For instructors and CI. Exit codes: 0 when grading completed (and every submission reached
--min-score, if given); 1 when a submission is below --min-score; 2 on usage errors (missing set
file, unknown id, a submission that is not a folder, a broken exercise)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.commands.common import UsageError, add_pack_option, usage_errors
from tutor.exitcodes import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.grading.batch import Submission
    from tutor.grading.gradebook import GradeReport
    from tutor.grading.sets import GradeItem

DEFAULT_JOBS = 4


def _seed(text: str) -> int:
    from tutor.grading.sets import parse_seed

    return parse_seed(text)


def _also(text: str) -> tuple[str, Path]:
    from tutor.grading.formats import FORMATS

    fmt, sep, path = text.partition("=")
    if not sep or fmt not in FORMATS or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH with FORMAT one of "
                                         f"{', '.join(FORMATS)}, got {text!r}")
    return fmt, Path(path)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "grade", help="grade folders of submissions against an assignment set (CI, LMS)",
        description="Grade every SUBMISSION folder (holding <exercise_id>.py files) against "
        "every exercise of the set (every exercise when no --set is given). Exit 0 when "
        "grading completed, 1 when a submission is below --min-score, 2 on usage errors.")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                   help="a folder holding one learner's files")
    p.add_argument("--set", dest="set_file", type=Path, metavar="FILE",
                   help="the assignment set (TOML): exercises, points, hidden cases")
    p.add_argument("--format", default="text",
                   choices=("text", "json", "junit", "gradescope", "csv"),
                   help="report format (default: text)")
    p.add_argument("--output", type=Path, metavar="PATH",
                   help="write the report to PATH instead of standard output")
    p.add_argument("--also", action="append", type=_also, default=[], metavar="FORMAT=PATH",
                   help="also write the same grading in another format (repeatable), "
                        "e.g. --also csv=grades.csv")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help=f"grading workers in parallel (default: CPUs, at most {DEFAULT_JOBS})")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="secret seed: grade on hidden cases (default: $DLTUTOR_SEED, or the "
                        "variable the set's [hidden] table names); `dltutor seed` makes one")
    p.add_argument("--min-score", type=float, default=None, metavar="X",
                   help="exit 1 when a submission scores fewer than X points "
                        "(default: the set's min_score)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="wall-clock seconds per exercise check (overrides the set and exercise)")
    p.add_argument("--allow-partial-isolation", action="store_true",
                   help="grade hidden cases even where the kernel refuses part of the jail "
                        "(see `dltutor doctor`); the reports record the isolation level")
    add_pack_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tutor.grading.privileges import make_undumpable

    # This process holds every graded student's report while later submissions run; their code
    # (a capability-less child) must not be able to read it through /proc/PID/mem.
    make_undumpable()

    from tutor.course import ContentError, load_course
    from tutor.grading.batch import BatchError, discover
    from tutor.grading.client import GraderError
    from tutor.grading.formats import SINGLE_SUBMISSION, renderer
    from tutor.grading.sets import SetError, every_exercise, load_set, resolve, secret_seed

    err = Console(stderr=True, highlight=False)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    try:
        assignment = load_set(args.set_file) if args.set_file else None
        packs = [*(assignment.packs if assignment else ()), *args.pack]
        course = load_course(packs)
        if assignment is None:
            assignment = every_exercise(course)
        items = resolve(assignment, course, timeout=args.timeout)
        seed, seed_from = secret_seed(assignment, args.seed)
        submissions = discover(args.submissions)
    except (SetError, ContentError, BatchError) as exc:
        raise UsageError(str(exc)) from None
    outputs = [(args.format, args.output), *args.also]
    for fmt, _ in outputs:
        if fmt in SINGLE_SUBMISSION and len(submissions) != 1:
            raise UsageError(f"--format {fmt} describes one submission; got "
                             f"{len(submissions)} (run once per submission)")
    min_score = args.min_score if args.min_score is not None else assignment.min_score
    jobs = args.jobs or max(1, min(os.cpu_count() or 1, DEFAULT_JOBS))
    from tutor.grading.isolation import decide

    isolation = decide()[1]  # what every worker's jail will be: the same user, the same kernel
    if not isolation.full:
        err.print(f"isolation: {isolation.summary()} (`dltutor doctor` says why and how to "
                  "enable the rest)", style="yellow", markup=False)
        if seed is not None and not args.allow_partial_isolation:
            raise UsageError(
                "refusing to grade hidden cases under partial isolation "
                f"({isolation.summary()}): submissions could read or change what they must "
                "not. Run `dltutor doctor`, or pass --allow-partial-isolation to accept it "
                "(every report records the isolation level).")

    total_checks = len(submissions) * len(items)
    hidden_note = f", hidden cases (seed from {seed_from})" if seed is not None else ""
    err.print(f"grading {len(submissions)} submission{'s' if len(submissions) != 1 else ''} × "
              f"{len(items)} exercise{'s' if len(items) != 1 else ''} with "
              f"{min(jobs, total_checks)} worker{'s' if min(jobs, total_checks) != 1 else ''}"
              f"{hidden_note}", style="dim")
    if seed is not None:
        from tutor.grading.seeds import seed_warning

        warning = seed_warning(seed)
        if warning:  # a short seed: the class can brute-force it from one hidden case
            err.print(warning, style="bold yellow", markup=False)
    started = time.monotonic()
    try:
        report = _grade_with_progress(err, submissions, items, assignment.title, seed, jobs,
                                      min_score)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    except GraderError as exc:
        raise UsageError(f"the grading worker could not start: {exc}") from None
    from dataclasses import replace

    report = replace(report, isolation=isolation.summary())
    if not report.visibility:  # the set's own Gradescope visibility, for the top level
        report = replace(report, visibility=assignment.visibility)

    for fmt, path in outputs:
        if fmt == "text" and path is None:
            from rich.console import Group

            from tutor.grading.formats.text import renderables

            Console(highlight=False).print(Group(*renderables(report)))
            continue
        text = renderer(fmt)(report)
        if path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            from tutor.atomic import write_atomic

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # never opens `path` itself: a symlink or FIFO planted there is replaced
                write_atomic(path, text)
            except OSError as exc:
                raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
            err.print(f"wrote {fmt} report to {path}", style="dim")

    below = report.below_min_score
    n = len(report.submissions)
    summary = (f"graded {n} submission{'s' if n != 1 else ''} in "
               f"{time.monotonic() - started:.1f} s")
    if (args.format, args.output) != ("text", None):  # the text report already says the mean
        summary += f" · mean {report.mean_score():g}/{report.max_score:g} points"
    if min_score is not None:
        summary += f" · {len(below)} below --min-score {min_score:g}"
        if below:
            summary += ": " + ", ".join(s.name for s in below[:10]) + \
                (" …" if len(below) > 10 else "")
    err.print(summary, style="bold red" if below else "dim")
    return int(ExitCode.FAILED if below else ExitCode.OK)


def _grade_with_progress(err: Console, submissions: list[Submission], items: list[GradeItem],
                         title: str, seed: int | None, jobs: int,
                         min_score: float | None) -> GradeReport:
    """Grade with a progress bar on a terminal; silently (CI logs) otherwise."""
    from tutor.grading.batch import grade_batch

    if not err.is_terminal:
        return grade_batch(submissions, items, title=title, seed=seed, jobs=jobs,
                           min_score=min_score)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
                  transient=True) as progress:
        task = progress.add_task("starting workers …", total=len(submissions) * len(items))

        def on_progress(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, description=name)

        return grade_batch(submissions, items, title=title, seed=seed, jobs=jobs,
                           min_score=min_score, on_progress=on_progress)
