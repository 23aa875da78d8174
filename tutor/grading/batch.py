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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from tutor.grading.client import Grader, GraderError
from tutor.grading.gradebook import (
    ExerciseColumn,
    ExerciseGrade,
    GradeReport,
    SubmissionGrade,
    points,
)
from tutor.grading.notebook import NotebookSources
from tutor.grading.pool import GraderPool
from tutor.grading.regrade_cache import RegradeCache
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.sets import GradeItem

SKIP_DIRS = {"__pycache__", "__MACOSX", "node_modules", ".git", ".venv", "venv"}
MAX_FILES_LISTED = 20
MAX_WALKED = 1000  #: files a missing-file message looks at in one submission folder
MISNAMED_RATIO = 0.8  #: how close (difflib) a name must be to be "did you mean"

Progress = Callable[[int, int, str], None]  #: (tasks done, tasks total, submission name)
#: One check to run: (its place in the report, the submission, the set entry, the file).
Task = tuple[int, "Submission", GradeItem, Path]
#: Hands a task's grade back to `grade_batch` (thread-safe; each task exactly once).
Deliver = Callable[[Task, ExerciseGrade], None]
#: The executor seam: runs every task (preflight first when asked: items, seed) and returns once
#: each is delivered. The default is `run_threads`; `tutor.grading.cluster` runs them on Dask.
RunTasks = Callable[[Sequence[Task], Sequence[GradeItem], "int | None", bool, Deliver], None]


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
        twice = [given for given, p in folders[:-1] if p == folders[-1][1]]
        if twice:  # `subs/*/ subs/alice`: one student graded twice, counted twice
            raise BatchError(f"submission {raw} is the same folder as {twice[0]}: "
                             "give each folder once")
    names = [p.name or given for given, p in folders]
    clash = {n for n in names if names.count(n) > 1}
    return [Submission(given if name in clash else name, path)
            for (given, path), name in zip(folders, names)]


def python_files(folder: Path) -> list[Path]:
    """Every .py file below `folder`, sorted, skipping caches, virtualenvs and hidden folders."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if f.endswith(".py"))
    return found


def find_file(folder: Path, filename: str, python_files: list[Path],
              taken: Collection[str] = ()) -> tuple[Path | None, str]:
    """The file to grade, or None and why: `<id>.py` at the top, else the only one below.
    `taken`: the other exercises' file names (never offered as a misnamed `filename`)."""
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
    return None, _missing_why(folder, filename, taken)


def _missing_why(folder: Path, filename: str, taken: Collection[str]) -> str:
    """`no relu_backward.py in this submission: did you mean relu_backwards.py? rename it to
    relu_backward.py (the folder holds: notes.txt, relu_backwards.py)`: every file, capped."""
    held: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        held.extend(str((Path(root) / f).relative_to(folder)) for f in sorted(names)
                    if not f.startswith("."))
        if len(held) > MAX_WALKED:
            break
    why = f"no {filename} in this submission"
    guess = _misnamed(filename, held, taken)
    if guess:
        why += f": did you mean {guess}? rename it to {_renamed(filename, guess)}"
    shown = ", ".join(held[:MAX_FILES_LISTED])
    more = f" and {len(held) - MAX_FILES_LISTED} more" if len(held) > MAX_FILES_LISTED else ""
    return why + (f" (the folder holds: {shown}{more})" if held else " (the folder is empty)")


def _renamed(filename: str, guess: str) -> str:
    return Path(filename).stem + (".ipynb" if guess.endswith(".ipynb") else Path(filename).suffix)


def _misnamed(filename: str, held: list[str], taken: Collection[str]) -> str | None:
    """The file most likely meant to be `filename` (`ReLU_backward.py`, `relu_backwards.py`,
    `relu_backward.py.txt`, `relu_backward (1).py`), never another exercise's file."""
    import difflib
    import re

    want = Path(filename).stem.lower()
    others = {Path(t).stem.lower() for t in taken} - {want}
    best, best_ratio = None, 0.0
    for rel in held:
        name = Path(rel).name.lower()
        if not re.search(r"\.(py|txt|ipynb|pyw|py3)$", name) or Path(rel).name in taken \
                or Path(rel).name == _renamed(filename, rel):
            continue
        stem = re.sub(r"(\.(py|txt|ipynb|pyw|py3|bak))+$", "", name)
        stem = re.sub(r"\s*(\(\d+\)|-\d+|-?\s*copy)$", "", stem).strip()
        if stem in others:
            continue
        ratio = 1.0 if stem == want else difflib.SequenceMatcher(None, stem, want).ratio()
        if ratio >= MISNAMED_RATIO and ratio > best_ratio:
            best, best_ratio = rel, ratio
    return best


def _relative(text: str, folder: Path) -> str:
    return text.replace(str(folder) + os.sep, "") if text else text


def _clean(result: CheckResult, folder: Path) -> CheckResult:
    """Drop the submission folder from paths, so reports read `relu_backward.py, line 3`
    (shorter for the learner, and the same wherever the folder was graded)."""
    report = result.report
    if report is not None:
        report = replace(report, traceback=_relative(report.traceback, folder),
                         problem=_relative(report.problem, folder))
    chain = result.chain
    if chain is not None:
        chain = replace(chain, message=_relative(chain.message, folder))
    return replace(result, message=_relative(result.message, folder), report=report,
                   output=_relative(result.output, folder), chain=chain)


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
                grader_factory: Callable[[], Grader] | None = None,
                min_score: float | None = None, on_progress: Progress | None = None,
                check_preflight: bool = True, run_tasks: RunTasks | None = None,
                cache: RegradeCache | None = None) -> GradeReport:
    """Grade every submission against every item. `seed` given: hidden cases with that seed.

    `graders` lends warm graders (the caller closes them; `jobs` is then their number);
    otherwise `jobs` graders are made (see `run_threads`) and closed at the end.
    `run_tasks` runs the checks elsewhere instead (a Dask cluster); the report is the same.
    `cache`: results of unchanged checks are taken from it, new ones stored in it."""
    hidden = seed is not None
    files = {s.name: python_files(s.path) for s in submissions}
    grades: list[ExerciseGrade | None] = []
    tasks: list[tuple[int, Submission, GradeItem, Path]] = []
    notebooks = NotebookSources()  # code taken out of notebooks, in a private temporary folder
    taken = {item.exercise.filename for item in items}
    finish: dict[int, Finish] = {}
    for sub in submissions:
        for item in items:
            planned = _plan(len(grades), sub, item, files[sub.name], taken, notebooks, cache, seed)
            if isinstance(planned, ExerciseGrade):
                grades.append(planned)
            else:
                tasks.append(planned[0])
                finish[len(grades)] = planned[1]
                grades.append(None)
    total = len(grades)
    done = [total - len(tasks)]
    lock = threading.Lock()
    if on_progress:
        on_progress(done[0], total, "")

    def deliver(task: Task, grade: ExerciseGrade) -> None:
        index, sub = task[0], task[1]
        grade = finish[index](grade)  # a notebook's lines, the regrade cache
        with lock:
            if grades[index] is not None:  # a runner's bug: a report never counts a check twice
                raise BatchError(f"{sub.name}: {task[2].id} was delivered twice")
            grades[index] = grade
            done[0] += 1
            if on_progress:
                on_progress(done[0], total, sub.name)

    try:
        if tasks:
            runner = run_tasks or partial(run_threads, jobs=jobs, graders=graders,
                                          grader_factory=grader_factory)
            runner(tasks, items, seed, check_preflight, deliver)
    finally:
        notebooks.close()

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


Finish = Callable[[ExerciseGrade], ExerciseGrade]  #: what a check's grade needs once it is back


def _plan(index: int, sub: Submission, item: GradeItem, python_files: list[Path],
          taken: Collection[str], notebooks: NotebookSources, cache: RegradeCache | None,
          seed: int | None) -> ExerciseGrade | tuple[Task, Finish]:
    """What grading `item` in `sub` takes: a grade known already (no file, a notebook that is
    not one, a result from the regrade cache), or a check to run and what to do with its grade
    (a notebook's line numbers mapped back to its cells, the result stored in the cache)."""
    path, why = find_file(sub.path, item.exercise.filename, python_files, taken)
    notebook = notebooks.find(sub.path, item.exercise) if path is None else None
    graded = path or notebook
    if graded is None:
        return _missing(item, why)
    key = cache.key_for(item.exercise, sub.path, graded, seed, item.timeout) if cache else None
    hit = cache.get(key) if cache is not None and key else None
    if hit is not None:
        return _grade(item, hit)
    remap: Callable[[CheckResult], CheckResult] | None = None
    task: Task = (index, sub, item, graded)
    if notebook is not None:
        extracted = notebooks.extract(notebook, sub.path, item.exercise)
        if isinstance(extracted, CheckResult):  # not a notebook: an error, and the batch goes on
            return _grade(item, extracted)
        task, remap = (index, Submission(sub.name, extracted.folder), item, extracted.path), \
            extracted.remap

    def done(grade: ExerciseGrade) -> ExerciseGrade:
        if grade.result is not None and remap is not None:
            grade = _grade(item, remap(grade.result))
        # stored only if the file did not change while it was checked
        if cache is not None and key and grade.result is not None and \
                cache.key_for(item.exercise, sub.path, graded, seed, item.timeout) == key:
            cache.put(key, grade.result)
        return grade

    return task, done


def run_threads(tasks: Sequence[Task], items: Sequence[GradeItem], seed: int | None,
                check_preflight: bool, deliver: Deliver, *, jobs: int = 1,
                graders: Sequence[Grader] | None = None,
                grader_factory: Callable[[], Grader] | None = None) -> None:
    """The default executor: threads, each owning one warm `Grader`, pull tasks from a queue.

    `graders` lends warm graders (the caller closes them); otherwise `jobs` graders are made with
    `grader_factory`, or, by default, one worker or a `GraderPool` (workers forked from one warm
    parent), and closed at the end."""
    hidden = seed is not None
    own = graders is None
    n = max(1, min(jobs, len(tasks)))
    fleet: GraderPool | None = None
    if graders is not None:
        pool = list(graders)
    elif grader_factory is not None or n == 1:
        pool = [(grader_factory or Grader)() for _ in range(n)]
    else:
        fleet = GraderPool(n)
        pool = fleet.graders
    try:
        for g in pool:
            g.start()  # all warm up at once
        if check_preflight:
            preflight(pool[0], items, seed)
        todo: queue.SimpleQueue[Task] = queue.SimpleQueue()
        for task in tasks:
            todo.put(task)

        def work(grader: Grader) -> None:
            while True:
                try:
                    task = todo.get_nowait()
                except queue.Empty:
                    return
                _, sub, item, path = task
                deliver(task, _check(grader, sub, item, path, seed, hidden))

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
        if fleet is not None:
            fleet.close()


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
