"""Grade many submissions against a set, in parallel, without letting one spoil another.

A submission is a folder holding the learner's files named `<exercise_id>.py` (the workspace
layout). Every (submission, exercise) pair is one task; N threads each own one warm `Grader`
(one worker process each) and pull tasks from a queue. Results are stored by task index, so the
report is the same whatever N is and whichever worker finished first.

Isolation: learner code runs in a sandboxed child of the worker, so a hang, a crash or a memory
bomb costs only that check. A file that manages to kill the grading worker itself (it can signal
its parent) makes `Grader.check` raise `GraderError`; the runner then restarts that worker and
tries the check once more. A second failure is put down to the file (verdict `crash`, 0 points),
and the next task gets a fresh worker, so the rest of the batch is graded as if it never existed.

Headless: imports neither textual nor torch (the workers do)."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tutor.grading.client import Grader, GraderError
from tutor.grading.gradebook import (
    ExerciseColumn,
    ExerciseGrade,
    GradeReport,
    SubmissionGrade,
    points,
)
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.sets import GradeItem

SKIP_DIRS = {"__pycache__", "__MACOSX", "node_modules", ".git", ".venv", "venv"}
MAX_FILES_LISTED = 20

Progress = Callable[[int, int, str], None]  #: (tasks done, tasks total, submission name)


class BatchError(ValueError):
    """A submission path is not a folder, or an exercise of the set cannot be checked at all."""


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path  #: the folder, resolved


def discover(paths: Sequence[Path]) -> list[Submission]:
    """One `Submission` per folder, named by the folder (by its path where names collide)."""
    folders = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise BatchError(f"submission {raw} does not exist")
        if not path.is_dir():
            raise BatchError(f"submission {raw} is not a folder: a submission is a folder "
                             "holding <exercise_id>.py files")
        folders.append((str(raw).rstrip("/") or str(raw), path.resolve()))
    names = [p.name or given for given, p in folders]
    clash = {n for n in names if names.count(n) > 1}
    return [Submission(given if name in clash else name, path)
            for (given, path), name in zip(folders, names)]


def _python_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".py"))
    return found


def find_file(folder: Path, filename: str, python_files: list[Path]) -> tuple[Path | None, str]:
    """The file to grade, or None and why: `<id>.py` at the top, else the only one below."""
    top = folder / filename
    if top.is_file():
        return top, ""
    below = [p for p in python_files if p.name == filename]
    if len(below) == 1:
        return below[0], ""
    if below:
        where = ", ".join(str(p.relative_to(folder)) for p in below[:5])
        return None, (f"no {filename} at the top of this submission, and {len(below)} in "
                      f"subfolders ({where}): put exactly one at the top")
    return None, f"no {filename} in this submission"


def _relative(text: str, folder: Path) -> str:
    return text.replace(str(folder) + os.sep, "") if text else text


def _clean(result: CheckResult, folder: Path) -> CheckResult:
    """Drop the submission folder from paths, so reports read `relu_backward.py, line 3`
    (shorter for the learner, and the same wherever the folder was graded)."""
    report = result.report
    if report is not None:
        report = replace(report, traceback=_relative(report.traceback, folder),
                         problem=_relative(report.problem, folder))
    return replace(result, message=_relative(result.message, folder), report=report,
                   output=_relative(result.output, folder))


def _grade(item: GradeItem, result: CheckResult) -> ExerciseGrade:
    return ExerciseGrade(
        id=item.id, name=item.name, verdict=result.verdict,
        score=points(result.score * item.points), max_score=points(item.points),
        message=result.message, visibility=item.visibility, result=result)


def _missing(item: GradeItem, why: str) -> ExerciseGrade:
    return ExerciseGrade(id=item.id, name=item.name, verdict=Verdict.MISSING, score=0.0,
                         max_score=points(item.points), message=why,
                         visibility=item.visibility)


def _grader_failed(item: GradeItem, error: Exception) -> ExerciseGrade:
    result = CheckResult(
        exercise=item.id, verdict=Verdict.CRASH, score=0.0, cases_passed=0, cases_total=0,
        duration_ms=0.0, message="the grading worker could not check this file; "
        f"it was given 0 points ({(str(error).splitlines() or [''])[0][:200]})")
    return _grade(item, result)


def preflight(grader: Grader, items: Sequence[GradeItem], seed: int | None) -> None:
    """Build every exercise's cases and references once before grading anyone, so a broken
    check.py stops the batch with one clear message instead of failing every student."""
    for item in items:
        try:
            audit = grader.audit(item.exercise, seed)
        except GraderError as exc:
            raise BatchError(f"exercise {item.id} cannot be checked ({exc}); "
                             f"run `dltutor validate {item.id}`") from None
        kind = "hidden" if seed is not None else "public"
        if audit[kind]["cases"] == 0:
            raise BatchError(f"exercise {item.id} has no {kind} cases")


def grade_batch(submissions: Sequence[Submission], items: Sequence[GradeItem], *,
                title: str, seed: int | None = None, jobs: int = 1,
                graders: Sequence[Grader] | None = None,
                grader_factory: Callable[[], Grader] = Grader,
                min_score: float | None = None, on_progress: Progress | None = None,
                check_preflight: bool = True) -> GradeReport:
    """Grade every submission against every item. `seed` given: hidden cases with that seed.

    `graders` lends warm graders (the caller closes them; `jobs` is then their number);
    otherwise `jobs` graders are made with `grader_factory` and closed at the end."""
    hidden = seed is not None
    files = {s.name: _python_files(s.path) for s in submissions}
    grades: list[ExerciseGrade | None] = []
    tasks: list[tuple[int, Submission, GradeItem, Path]] = []
    for sub in submissions:
        for item in items:
            path, why = find_file(sub.path, item.exercise.filename, files[sub.name])
            if path is None:
                grades.append(_missing(item, why))
            else:
                tasks.append((len(grades), sub, item, path))
                grades.append(None)
    total = len(grades)
    done = [total - len(tasks)]
    lock = threading.Lock()
    if on_progress:
        on_progress(done[0], total, "")

    own = graders is None
    if not tasks:
        pool: list[Grader] = []
    elif graders is not None:
        pool = list(graders)
    else:
        pool = [grader_factory() for _ in range(max(1, min(jobs, len(tasks))))]
    try:
        for g in pool:
            g.start()  # all warm up at once
        if tasks and check_preflight:
            preflight(pool[0], items, seed)
        todo: queue.SimpleQueue[tuple[int, Submission, GradeItem, Path]] = queue.SimpleQueue()
        for task in tasks:
            todo.put(task)

        def work(grader: Grader) -> None:
            while True:
                try:
                    index, sub, item, path = todo.get_nowait()
                except queue.Empty:
                    return
                grades[index] = _check(grader, sub, item, path, seed, hidden)
                with lock:
                    done[0] += 1
                    if on_progress:
                        on_progress(done[0], total, sub.name)

        threads = [threading.Thread(target=work, args=(g,), daemon=True,
                                    name=f"dltutor-grade-{i}") for i, g in enumerate(pool)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # a short join keeps Ctrl+C responsive
    finally:
        if own:
            for g in pool:
                g.close()

    subs = []
    n = len(items)
    for k, sub in enumerate(submissions):
        row = grades[k * n:(k + 1) * n]
        assert all(g is not None for g in row)
        names = tuple(str(p.relative_to(sub.path)) for p in files[sub.name][:MAX_FILES_LISTED])
        subs.append(SubmissionGrade(sub.name, tuple(g for g in row if g is not None), names))
    columns = tuple(ExerciseColumn(i.id, i.name, points(i.points)) for i in items)
    return GradeReport(title=title, columns=columns, submissions=tuple(subs), hidden=hidden,
                       min_score=min_score)


def _check(grader: Grader, sub: Submission, item: GradeItem, path: Path, seed: int | None,
           hidden: bool) -> ExerciseGrade:
    """One check. Retrying a worker that died is the client's job (one policy, in
    `Grader.check`); here a grader that cannot answer at all costs this file its points, and the
    next task gets a fresh worker."""
    try:
        result = grader.check(item.exercise, path, seed=seed, hidden=hidden,
                              timeout=item.timeout, confine=sub.path)
        return _grade(item, _clean(result, sub.path))
    except GraderError as exc:
        grader.close()  # the next call starts a fresh worker
        return _grader_failed(item, exc)
    except Exception as exc:  # noqa: BLE001 - never stop the batch; say what happened
        return _grade(item, CheckResult(
            exercise=item.id, verdict=Verdict.ERROR, score=0.0, cases_passed=0,
            cases_total=0, duration_ms=0.0,
            message=f"dltutor failed while grading this file: {type(exc).__name__}: {exc}"))
