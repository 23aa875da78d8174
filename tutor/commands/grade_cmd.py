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

    from tutor.grading.adjust import Adjustments
    from tutor.grading.batch import RunTasks, Submission
    from tutor.grading.canvas_input import CanvasDownload
    from tutor.grading.cluster import DaskCluster
    from tutor.grading.gradebook import GradeReport
    from tutor.grading.insight.signals import HonestySignal
    from tutor.grading.isolation import Isolation
    from tutor.grading.regrade_cache import RegradeCache
    from tutor.grading.sets import AssignmentSet, GradeItem

DEFAULT_JOBS = 4
DASK_INSTALL = "pip install 'dltutor[dask]'"
CLASS_REPORT = "report"  #: `--also report=DIR`: the class report (a folder, not a format)
FEEDBACK = "feedback"  #: `--also feedback=DIR`: a Markdown and an HTML file per student


def _seed(text: str) -> int:
    from tutor.grading.sets import parse_seed

    return parse_seed(text)


def _also(text: str) -> tuple[str, Path]:
    from tutor.grading.formats import ALL_FORMATS as FORMATS

    fmt, sep, path = text.partition("=")
    if not sep or fmt not in (*FORMATS, CLASS_REPORT, FEEDBACK) or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH with FORMAT one of "
                                         f"{', '.join(FORMATS)}, or report=DIR, feedback=DIR, "
                                         f"got {text!r}")
    return fmt, Path(path)


def _scheduler(text: str) -> str:
    """`local:N` or a Dask scheduler's address (`tcp://HOST:PORT`, `tls://…`, `HOST:PORT`)."""
    head, sep, tail = text.partition(":")
    if head == "local":
        if not tail.isdigit() or int(tail) < 1:
            raise argparse.ArgumentTypeError(f"expected local:N with N at least 1, got {text!r}")
        return text
    rest = text.partition("://")[2] if "://" in text else text
    host, _, port = rest.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected tcp://HOST:PORT (a Dask scheduler) or "
                                         f"local:N, got {text!r}")
    return text


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
    p.add_argument("submissions", nargs="*", type=Path, metavar="SUBMISSION",
                   help="a folder holding one learner's files (or notebooks); a single folder "
                        "of Canvas's bulk download is read as one submission per student")
    p.add_argument("--canvas-zip-dir", type=Path, metavar="DIR",
                   help="Canvas's bulk download, unzipped (login_userid_fileid_name.py files): "
                        "one submission per student")
    p.add_argument("--cache", type=Path, metavar="DIR",
                   help="the regrade cache: checks whose exercise, file, seed and versions did "
                        "not change are not run again (default: the user cache directory)")
    p.add_argument("--no-cache", dest="read_cache", action="store_false",
                   help="run every check again (the cache is refreshed with the new results)")
    p.add_argument("--set", dest="set_file", type=Path, metavar="FILE",
                   help="the assignment set (TOML): exercises, points, hidden cases")
    from tutor.grading.formats import ALL_FORMATS

    p.add_argument("--format", default="text", choices=ALL_FORMATS,
                   help="report format (default: text)")
    p.add_argument("--output", type=Path, metavar="PATH",
                   help="write the report to PATH instead of standard output")
    p.add_argument("--also", action="append", type=_also, default=[], metavar="FORMAT=PATH",
                   help="also write the same grading in another format (repeatable), "
                        "e.g. --also csv=grades.csv; --also report=DIR writes the class "
                        "report (DIR/index.html, report.json, report.txt)")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help=f"grading workers in parallel (default: CPUs, at most {DEFAULT_JOBS})")
    p.add_argument("--scheduler", type=_scheduler, default=None, metavar="ADDRESS",
                   help="grade on a Dask cluster instead: tcp://HOST:8786 (a running "
                        "scheduler), or local:N (N worker processes here); needs "
                        f"{DASK_INSTALL} on this machine and every worker")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="secret seed: grade on hidden cases (default: $DLTUTOR_SEED, or the "
                        "variable the set's [hidden] table names); `dltutor seed` makes one")
    p.add_argument("--min-score", type=float, default=None, metavar="X",
                   help="exit 1 when a submission scores fewer than X points "
                        "(default: the set's min_score)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="wall-clock seconds per exercise check (overrides the set and exercise)")
    p.add_argument("--roster", type=Path, metavar="FILE.csv",
                   help="folder,student_id,name,email per student: reports name the students; "
                        "needed by --format canvas and moodle")
    p.add_argument("--overrides", type=Path, metavar="FILE.csv",
                   help="student,exercise,points,verdict,comment: change single grades after "
                        "grading (every report shows the change and the comment)")
    p.add_argument("--times", type=Path, metavar="FILE.csv",
                   help="folder,timestamp[,deadline]: submission times for the set's [late] "
                        "policy (else Gradescope's submission_metadata.json or the last commit)")
    p.add_argument("--bom", action="store_true",
                   help="start CSV reports (csv, canvas, moodle) with a UTF-8 byte-order mark, "
                        "so Excel reads accented names right")
    p.add_argument("--allow-partial-isolation", action="store_true",
                   help="grade hidden cases even where the kernel refuses part of the jail "
                        "(see `dltutor doctor`); the reports record the isolation level")
    p.add_argument("--no-honesty", dest="honesty", action="store_false",
                   help="leave honesty signals (identical code, copies of the solution, code "
                        "reaching for the course) out of every report")
    add_pack_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    if args.scheduler is None:
        return _run(args, None)
    if args.jobs is not None:
        raise UsageError("--jobs and --scheduler: choose one (a Dask worker grades one file "
                         "at a time; add workers to the cluster instead)")
    try:
        from tutor.grading.cluster import DaskCluster
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in ("dask", "distributed"):
            raise
        raise UsageError(f"--scheduler grades on Dask, which is not installed here: "
                         f"{DASK_INSTALL}") from None
    cluster = DaskCluster(args.scheduler)  # connects when first asked (the isolation)
    try:
        return _run(args, cluster)
    finally:
        cluster.close()  # a local:N cluster stops; a shared one keeps its workers


def _run(args: argparse.Namespace, cluster: DaskCluster | None) -> int:
    from rich.console import Console

    from tutor.grading.privileges import make_undumpable

    # This process holds every graded student's report while later submissions run; their code
    # (a capability-less child) must not be able to read it through /proc/PID/mem.
    make_undumpable()

    from tutor.course import ContentError, load_course
    from tutor.grading.batch import BatchError
    from tutor.grading.client import GraderError
    from tutor.grading.formats import CSV_FORMATS, SINGLE_SUBMISSION, renderer
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
        submissions, canvas = _submissions(args, err)  # `canvas` lives until the end
    except (SetError, ContentError, BatchError) as exc:
        raise UsageError(str(exc)) from None
    outputs = [(args.format, args.output), *args.also]
    for fmt, _ in outputs:
        if fmt in SINGLE_SUBMISSION and len(submissions) != 1:
            raise UsageError(f"--format {fmt} describes one submission; got "
                             f"{len(submissions)} (run once per submission)")
    min_score = args.min_score if args.min_score is not None else assignment.min_score
    adjustments = _prepare_adjustments(args, outputs, assignment, items, submissions, min_score)
    jobs = args.jobs or max(1, min(os.cpu_count() or 1, DEFAULT_JOBS))
    from tutor.grading.isolation import decide

    isolation = decide()[1] if cluster is None else _cluster_isolation(cluster)
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
              f"{len(items)} exercise{'s' if len(items) != 1 else ''} "
              + (f"on {cluster.describe()}" if cluster else f"with {min(jobs, total_checks)} "
                 f"worker{'s' if min(jobs, total_checks) != 1 else ''}")
              + hidden_note, style="dim")
    if seed is not None:
        from tutor.grading.seeds import seed_warning

        warning = seed_warning(seed)
        if warning:  # a short seed: the class can brute-force it from one hidden case
            err.print(warning, style="bold yellow", markup=False)
    started = time.monotonic()
    honesty: tuple[HonestySignal, ...] = ()
    if args.honesty:  # read before any student code runs
        from tutor.grading.insight.honesty import scan_batch

        honesty = scan_batch(submissions, items)
    cache = _regrade_cache(args, err, isolation)
    try:
        report = _grade_with_progress(err, submissions, items, assignment.title, seed, jobs,
                                      min_score, cluster.run_tasks if cluster else None, cache)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    except GraderError as exc:
        raise UsageError(f"the grading worker could not start: {exc}") from None
    if cache is not None and cache.hits:
        err.print(cache.summary(), style="dim", markup=False)
    if cache is not None and cache.problem:
        err.print(f"warning: {cache.problem}", style="yellow", markup=False)
    from dataclasses import replace

    report = replace(report, isolation=isolation.summary(), honesty=honesty)
    if not report.visibility:  # the set's own Gradescope visibility, for the top level
        report = replace(report, visibility=assignment.visibility)
    from tutor.grading.adjust import apply as adjust

    report = adjust(report, adjustments)  # roster, overrides, late penalties
    if (args.format, args.output) != ("text", None):  # the text report lists them itself
        for warning in report.warnings:
            err.print(f"warning: {warning}", style="yellow", markup=False)

    for fmt, path in outputs:
        if fmt == CLASS_REPORT:
            _write_class_report(err, report, path)
            continue
        if fmt == FEEDBACK:
            _write_feedback(err, report, path)
            continue
        if fmt == "text" and path is None:
            from rich.console import Group

            from tutor.grading.formats.text import renderables

            Console(highlight=False).print(Group(*renderables(report)))
            continue
        text = renderer(fmt)(report)
        if args.bom and fmt in CSV_FORMATS:  # Excel reads a CSV as UTF-8 only with one
            text = "\ufeff" + text
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
    if canvas is not None:
        canvas.close()
    return int(ExitCode.FAILED if below else ExitCode.OK)


def _cluster_isolation(cluster: DaskCluster) -> Isolation:
    """Connect to the cluster and ask its workers how their checks are jailed (the weakest)."""
    from tutor.grading.batch import BatchError

    try:
        return cluster.isolation()
    except BatchError as exc:  # ClusterError: unreachable, no worker, dltutor missing there
        raise UsageError(str(exc)) from None


def _submissions(args: argparse.Namespace,
                 err: Console) -> tuple[list[Submission], CanvasDownload | None]:
    """The folders given, and Canvas's bulk download (`--canvas-zip-dir`, or a single folder
    given that holds Canvas's file names) as one submission per student."""
    from tutor.grading.batch import discover
    from tutor.grading.canvas_input import looks_like_canvas, read_download

    folder, given = args.canvas_zip_dir, list(args.submissions)
    if folder is None and len(given) == 1 and looks_like_canvas(given[0]):
        folder, given = given[0], []
    if folder is None and not given:
        raise UsageError("give at least one SUBMISSION folder, or --canvas-zip-dir DIR")
    submissions = discover(given) if given else []
    if folder is None:
        return submissions, None
    canvas = read_download(folder)
    err.print(canvas.describe(), style="dim", markup=False)
    return [*submissions, *canvas.submissions], canvas


def _regrade_cache(args: argparse.Namespace, err: Console,
                   isolation: Isolation) -> RegradeCache | None:
    """The regrade cache, where learner code cannot write to it (or `--cache DIR` says so)."""
    from tutor.grading.regrade_cache import RegradeCache, default_cache_dir, usable_with

    if args.cache is None and not usable_with({lay.name: lay.on for lay in isolation.layers}):
        err.print("regrade cache: off under this isolation (learner code could write to it); "
                  "--cache DIR turns it on", style="dim", markup=False)
        return None
    return RegradeCache(args.cache or default_cache_dir(), read=args.read_cache,
                        context=isolation.summary())


def _write_feedback(err: Console, report: GradeReport, folder: Path) -> None:
    from tutor.grading.formats.feedback import write

    try:
        written = write(report, folder)
    except OSError as exc:
        raise UsageError(f"cannot write the feedback files to {folder}: "
                         f"{exc.strerror or exc}") from None
    err.print(f"wrote {len(written)} feedback files to {folder}", style="dim", markup=False)


def _write_class_report(err: Console, report: GradeReport, folder: Path) -> None:
    from tutor.grading.insight.aggregate import class_insight
    from tutor.grading.insight.write import ReportWriteError, write_class_report

    try:
        written = write_class_report(class_insight(report), folder)
    except ReportWriteError as exc:
        raise UsageError(str(exc)) from None
    err.print(f"wrote the class report to {written[0]}", style="dim", markup=False)


def _grade_with_progress(err: Console, submissions: list[Submission], items: list[GradeItem],
                         title: str, seed: int | None, jobs: int,
                         min_score: float | None, run_tasks: RunTasks | None = None,
                         cache: RegradeCache | None = None) -> GradeReport:
    """Grade with a progress bar on a terminal; silently (CI logs) otherwise."""
    from tutor.grading.batch import grade_batch

    if not err.is_terminal:
        return grade_batch(submissions, items, title=title, seed=seed, jobs=jobs,
                           min_score=min_score, run_tasks=run_tasks, cache=cache)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
                  transient=True) as progress:
        task = progress.add_task("starting workers …", total=len(submissions) * len(items))

        def on_progress(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, description=name)

        return grade_batch(submissions, items, title=title, seed=seed, jobs=jobs,
                           min_score=min_score, on_progress=on_progress, run_tasks=run_tasks,
                           cache=cache)


def _prepare_adjustments(args: argparse.Namespace, outputs: list[tuple[str, Path | None]],
                         assignment: AssignmentSet, items: list[GradeItem],
                         submissions: list[Submission], min_score: float | None) -> Adjustments:
    """Check what can be checked before grading (a minimum no one can reach, an LMS format
    without a roster) and read the roster, overrides and times: a mistake in any of them is a
    usage error now, not after a grading run."""
    from tutor.grading.adjust import AdjustmentError, prepare
    from tutor.grading.formats import GRADEBOOK_FORMATS
    from tutor.grading.gradebook import format_points, points

    top = points(sum(item.points for item in items))
    where = "--min-score" if args.min_score is not None else f"min_score in {assignment.path}"
    if min_score is not None and min_score < 0:
        raise UsageError(f"{where} must be at least 0, not {min_score:g}")
    if min_score is not None and min_score > top + 1e-9:
        raise UsageError(f"{where} is {min_score:g}, above the {format_points(top)} points the "
                         "set gives at most: no submission could reach it")
    for fmt, _ in outputs:
        if fmt in GRADEBOOK_FORMATS and args.roster is None:
            raise UsageError(f"the {fmt} format needs --roster FILE.csv (folder,student_id,"
                             f"name,email): {fmt.capitalize()} knows students by their ids, "
                             "not by folder names")
    try:
        return prepare(assignment, items, submissions, roster_file=args.roster,
                       overrides_file=args.overrides, times_file=args.times)
    except AdjustmentError as exc:
        raise UsageError(str(exc)) from None
