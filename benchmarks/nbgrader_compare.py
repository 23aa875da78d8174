"""The same class graded by nbgrader and by `dltutor grade`, in one run: time, CPU and verdicts.

The class is `grade_throughput.py`'s (its `build()`): N submissions (default 30) × the four core
exercises, each file correct, a known mistake, or broken (a syntax error, a NameError, None
returned, or no file at all). dltutor grades the `.py` folders; nbgrader grades the same code as
notebooks.

The nbgrader course is what an instructor converting this course would write: one assignment
(`core`) holding one notebook per exercise (relu_backward.ipynb, ...), as nbgrader's own example
course does (ps1/problem1.ipynb, problem2.ipynb) and as the course is organised (one README, one
starter, one point value per exercise; a student's folder of four files). Each notebook has the
task statement, a solution cell (the reference solution between `### BEGIN/END SOLUTION`) and
one autograded test cell worth the exercise's points. `--one-notebook` puts the four exercises
in one notebook instead (one kernel per student instead of four) to show what that choice costs.

The test cell does the work a dltutor check does, in the notebook's kernel: `dlcheck.py` (shipped
with the assignment; nbgrader copies it next to each submission) loads the exercise's own
`check.py` (imports torch, builds the public cases with the same seed), computes the PyTorch
reference, calls the student's function (adam_step through its `drive.py`), compares each case
as `tutor/grading/compare.py` does (structure, exact shape, dtype kind and precision, finiteness,
named tolerances, exceptions by class) and returns points × cases passed / cases, which nbgrader
takes as partial credit (dltutor's `scoring = "fraction"`). A student's submitted notebook is the
released one with the solution cell replaced by the student's file; a missing file is the
released notebook left as it was. Torch thread pools are set to 1 thread in the kernels (as the
dltutor worker runs), which can only make nbgrader faster.

Figures, each from cold (what an instructor waits for): `nbgrader autograde core` for the whole
class, then `dltutor grade --jobs J` (default J = 1 and 2) with a fresh regrade cache. Wall time
→ submissions/min; CPU s/submission summed over the whole process tree. That sum is taken from
`getrusage(RUSAGE_CHILDREN)` with this process made a child subreaper (Linux): `/usr/bin/time` and
RUSAGE_CHILDREN alone count only processes whose parent reaped them, and `dltutor grade` kills
its worker's zygote, whose reaped check processes then go uncounted with it (measured: 14 % of
dltutor's CPU on 3 submissions, 43 % on 30: the checks themselves). Here every orphan is
re-parented to this process and reaped; the figure says how much CPU they held. Where this process may make a cgroup (root, cgroup v1 cpuacct or v2),
each run also runs in its own cgroup, whose CPU counter is printed as an independent check.

Verdicts must agree: pass (all cases) or not, per submission per exercise, between nbgrader's
scores and dltutor's report; scores are compared too. Every disagreement is listed.

nbgrader is not a dependency of dltutor: it is run from its own virtualenv (`--nbgrader-venv`,
default /tmp/nbg), made with

    python3 -m venv /tmp/nbg && /tmp/nbg/bin/pip install torch==2.13.0 numpy nbgrader

(pin torch: an unpinned one pulls GBs of CUDA wheels). No target: the figure to watch is the
ratio.

    python benchmarks/nbgrader_compare.py [--submissions 30] [--jobs 1 2] [--nbgrader-venv DIR]
        [--one-notebook] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from grade_throughput import CORE, THREAD_VARS, build  # the same class as the throughput bench

from tutor.course import load_course
from tutor.course.model import Exercise

ASSIGNMENT = "core"
HOWTO = "python3 -m venv {venv} && {venv}/bin/pip install torch==2.13.0 numpy nbgrader"
KIT_IMPORT = "from tutor.grading.kit import Case"

#: the assignment's helper: what each test cell runs, in the notebook's kernel (nbgrader's venv)
DLCHECK = '''"""The course's checks for nbgrader test cells: the exercise's check.py (its cases and
PyTorch reference) and drive.py, compared as dltutor compares. `check` returns the points earned
(nbgrader takes a number as partial credit) and prints how many cases passed."""

import copy
import importlib.util
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    inputs: dict
    label: str = ""
    rtol: float = None
    atol: float = None
    meta: dict = field(default_factory=dict)


class Raised:
    """An exception as an outcome: the reference says "must raise", or the student's raised."""

    def __init__(self, exc):
        self.name = type(exc).__name__
        self.mro = [c.__name__ for c in type(exc).__mro__]
        self.message = str(exc)[:200]


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain(value):
    """What dltutor's codec lets through: tensors as arrays, numbers, containers; else TypeError."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.array(np.asarray(value), copy=True, subok=False)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"arrays of dtype {arr.dtype} cannot be graded")
        return arr
    if isinstance(value, (list, tuple)):
        items = [plain(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: plain(v) for k, v in value.items()}
    raise TypeError(f"a value of type {type(value).__name__} cannot be graded")


def _scalar(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
        isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iuf")


def _close(got, exp, rtol, atol):
    if exp.dtype.kind in "iub":
        return not np.any(got != exp)
    g, e = got.astype(np.float64), exp.astype(np.float64)
    finite = np.isfinite(e)
    if np.any(finite & ~np.isfinite(g)):
        return False
    with np.errstate(invalid="ignore"):
        ok = np.abs(g - e) <= atol + rtol * np.abs(e)
        special = (np.isnan(e) & np.isnan(g)) | (np.isinf(e) & (g == e))
    return not np.any(np.where(finite, ~ok, ~special))


def same(got, exp, rtol, atol):
    """tutor/grading/compare.py's `compare(...) is None`."""
    if isinstance(exp, Raised):
        return isinstance(got, Raised) and exp.name in got.mro
    if isinstance(got, Raised):
        return False
    if isinstance(exp, (tuple, list)):
        return (isinstance(got, (tuple, list)) and len(got) == len(exp)
                and all(same(g, e, rtol, atol) for g, e in zip(got, exp)))
    if isinstance(exp, dict):
        return (isinstance(got, dict) and set(got) == set(exp)
                and all(same(got[k], exp[k], rtol, atol) for k in exp))
    if isinstance(exp, bool):
        g = got.item() if isinstance(got, np.ndarray) and got.ndim == 0 \\
            and got.dtype.kind == "b" else got
        return isinstance(g, bool) and g == exp
    if isinstance(exp, int):
        g = got.item() if isinstance(got, np.ndarray) and got.ndim == 0 \\
            and got.dtype.kind in "iu" else got
        return isinstance(g, int) and not isinstance(g, bool) and g == exp
    if isinstance(exp, float):
        return _scalar(got) and _close(np.asarray(float(got)), np.asarray(exp), rtol, atol)
    if isinstance(exp, np.ndarray):
        if exp.ndim == 0 and _scalar(got) and not isinstance(got, np.ndarray):
            got = np.asarray(got, dtype=np.float64 if isinstance(got, float) else np.int64)
        if not isinstance(got, np.ndarray) or got.shape != exp.shape:
            return False
        kinds = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}
        if kinds.get(exp.dtype.kind) != kinds.get(got.dtype.kind):
            return False
        if exp.dtype.kind == "f" and got.dtype.itemsize < exp.dtype.itemsize:
            return False
        return _close(got, exp, rtol, atol)
    return type(got) is type(exp) and got == exp


def _call_student(drive, fn, inputs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # stderr would zero the cell
        warnings.simplefilter("ignore")
        try:
            return plain(drive(fn, **copy.deepcopy(inputs)))
        except Exception as exc:  # the student's exception is an outcome, compared as one
            return Raised(exc)


def call(fn, /, **inputs):
    """The driver of an exercise without drive.py: call the function with the case's inputs."""
    return fn(**inputs)


def check(exercise, fn, points, rtol, atol):
    """Run every public case of `exercise` on `fn`; return the points earned."""
    module = _load(HERE / "checks" / f"{exercise}.py")
    driver = HERE / "checks" / f"{exercise}_drive.py"
    drive = _load(driver).drive if driver.exists() else call
    cases = module.cases(np.random.default_rng([zlib.crc32(exercise.encode())]), False)
    passed, first = 0, ""
    for i, case in enumerate(cases):
        try:
            expected = plain(module.reference(**copy.deepcopy(case.inputs)))
        except Exception as exc:  # the reference says: this input must raise
            expected = Raised(exc)
        got = _call_student(drive, fn, case.inputs)
        if same(got, expected, rtol if case.rtol is None else case.rtol,
                atol if case.atol is None else case.atol):
            passed += 1
        elif not first:
            what = f"raised {got.name}: {got.message}" if isinstance(got, Raised) else "wrong"
            first = f"; first failure: case {i + 1} ({case.label}): {what}"
    print(f"{exercise}: {passed} of {len(cases)} cases passed{first}")
    return round(points * passed / len(cases), 6)
'''

#: run in nbgrader's venv after grading: every grade cell's score, per student
SCORES = """
import json, sys
from nbgrader.api import Gradebook
out = {}
with Gradebook(sys.argv[1]) as gb:
    for sub in gb.assignment_submissions(sys.argv[2]):
        for nb in sub.notebooks:
            for g in nb.grades:
                out.setdefault(sub.student_id, {})[g.name] = [g.score, g.max_score]
print(json.dumps(out))
"""


# -- the nbgrader course ------------------------------------------------------------------------

def _cell(kind: str, cell_id: str, source: str, nbgrader: dict[str, Any] | None = None
          ) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": cell_id, "metadata": {},
                            "source": source}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "task": False, **nbgrader}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def exercise_cells(ex: Exercise) -> list[dict[str, Any]]:
    """Task statement, solution cell, autograded test cell worth the exercise's points."""
    assert ex.solution_path is not None
    readme = ex.directory / "README.md"
    test = (f"from dlcheck import check\n"
            f"check({ex.id!r}, {ex.function}, points={ex.points!r}, rtol={ex.rtol!r}, "
            f"atol={ex.atol!r})")
    dash = ex.id.replace("_", "-")
    return [
        _cell("markdown", f"{dash}-task", readme.read_text() if readme.exists() else ex.title),
        _cell("code", f"{dash}-solution",
              f"### BEGIN SOLUTION\n{ex.solution_path.read_text().rstrip()}\n### END SOLUTION",
              {"grade": False, "solution": True, "locked": False,
               "grade_id": f"{ex.id}_solution"}),
        _cell("code", f"{dash}-tests", test,
              {"grade": True, "solution": False, "locked": True, "points": ex.points,
               "grade_id": f"{ex.id}_tests"}),
    ]


def notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}}


def layout(exercises: list[Exercise], one: bool) -> dict[str, list[Exercise]]:
    """Notebook name → the exercises it holds."""
    return {ASSIGNMENT: exercises} if one else {ex.id: [ex] for ex in exercises}


def write_source(course: Path, notebooks: dict[str, list[Exercise]]) -> None:
    """source/core/: the notebooks, dlcheck.py, and checks/ (each check.py, Case from dlcheck)."""
    src = course / "source" / ASSIGNMENT
    (src / "checks").mkdir(parents=True)
    (src / "dlcheck.py").write_text(DLCHECK)
    for name, exs in notebooks.items():
        for ex in exs:
            text = ex.check_path.read_text()
            if KIT_IMPORT not in text:
                sys.exit(f"{ex.check_path} does not import Case as expected ({KIT_IMPORT!r})")
            (src / "checks" / f"{ex.id}.py").write_text(
                text.replace(KIT_IMPORT, "from dlcheck import Case"))
            if ex.driver_path is not None:
                shutil.copy(ex.driver_path, src / "checks" / f"{ex.id}_drive.py")
        cells = [c for ex in exs for c in exercise_cells(ex)]
        (src / f"{name}.ipynb").write_text(json.dumps(notebook(cells), indent=1))
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n")


def write_submitted(course: Path, py_root: Path, notebooks: dict[str, list[Exercise]]) -> None:
    """submitted/<student>/core/<nb>.ipynb: the released notebook, each solution cell replaced
    by the student's file (left as released when the student has no such file)."""
    for student in sorted(p.name for p in py_root.iterdir()):
        out = course / "submitted" / student / ASSIGNMENT
        out.mkdir(parents=True)
        for name in notebooks:
            nb = json.loads((course / "release" / ASSIGNMENT / f"{name}.ipynb").read_text())
            for cell in nb["cells"]:
                grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
                if grade_id.endswith("_solution"):
                    file = py_root / student / f"{grade_id.removesuffix('_solution')}.py"
                    if file.exists():
                        cell["source"] = file.read_text()
            (out / f"{name}.ipynb").write_text(json.dumps(nb, indent=1))


# -- measuring a process tree ---------------------------------------------------------------------

@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float  #: the whole tree, orphans included
    orphan_cpu: float  #: what the orphans (reaped here, not by their parents) held
    orphans: int
    cgroup_cpu: float | None  #: the cgroup's own counter, where one could be made
    returncode: int
    kernel_cpu: float = 0.0  #: of `cpu`, the time spent in the kernel (system time)


def subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux PR_SET_CHILD_SUBREAPER)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children() -> list[int]:
    """Pids of this process's live children (from /proc: no psutil in dltutor's venv)."""
    me, out = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                out.append(int(entry.name))
    return out


def reap_orphans(grace: float = 10.0) -> int:
    """Reap every child left (orphans re-parented here); kill those still running after
    `grace` seconds (they were started by the measured command). Returns how many."""
    n, deadline = 0, time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return n
        if pid:
            n += 1
        elif time.monotonic() < deadline:
            time.sleep(0.05)
        else:
            for left in _children():
                print(f"  (process {left} still running {grace:.0f} s after the run: killed)")
                try:
                    os.kill(left, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            deadline = float("inf")


class CpuGroup:
    """A cgroup of its own for one run, read for its CPU counter; None where none can be made."""

    def __init__(self, name: str) -> None:
        self.path: Path | None = None
        self.counter = ""
        for base, counter in ((Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage"),
                              (Path("/sys/fs/cgroup/cpu,cpuacct"), "cpuacct.usage"),
                              (Path("/sys/fs/cgroup"), "cpu.stat")):
            if (base / counter).exists() or (base / "cgroup.controllers").exists():
                try:
                    (base / name).mkdir()
                except OSError:
                    continue
                self.path, self.counter = base / name, counter
                return

    def enter(self) -> None:  # in the child, before exec
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        try:
            text = (self.path / self.counter).read_text()
            if self.counter == "cpu.stat":
                return int(text.split("usage_usec")[1].split()[0]) / 1e6
            return int(text) / 1e9
        except (OSError, IndexError, ValueError):
            return None
        finally:
            try:
                self.path.rmdir()
            except OSError:
                pass


def measure(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run `cmd` to its end; wall time and the CPU of its whole process tree."""
    group = CpuGroup(f"dltutor-bench-{os.getpid()}-{time.monotonic_ns()}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                              preexec_fn=group.enter, check=False)
    wall = time.perf_counter() - start
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    orphans = reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(a: resource.struct_rusage, b: resource.struct_rusage) -> float:
        return b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime

    return Measured(wall, cpu(before, after), max(0.0, cpu(reaped, after)), orphans,
                    group.seconds(), proc.returncode, after.ru_stime - before.ru_stime)


# -- the two graders ------------------------------------------------------------------------------

def nbgrader_env(venv: Path, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        env[var] = str(scratch / sub)  # nothing from ~/.jupyter, nothing left there
        (scratch / sub).mkdir(parents=True, exist_ok=True)
    env.update({v: "1" for v in THREAD_VARS})
    return env


def nbgrader_version(venv: Path) -> str:
    """nbgrader's and torch's versions in `venv` (importing torch also warms the page cache)."""
    python = venv / "bin" / "python"
    if not (venv / "bin" / "nbgrader").exists() or not python.exists():
        raise FileNotFoundError(f"no {venv}/bin/nbgrader")
    probe = "import nbgrader, numpy, torch; print(nbgrader.__version__, torch.__version__)"
    out = subprocess.run([str(python), "-c", probe],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise FileNotFoundError(out.stderr.strip().splitlines()[-1])
    nbg, torch_version = out.stdout.split()
    return f"nbgrader {nbg}, torch {torch_version}"


def set_toml(exercises: list[Exercise]) -> str:
    return 'title = "nbgrader comparison"\n' + "".join(
        f'\n[[exercises]]\nid = "{ex.id}"\npoints = {ex.points!r}\n' for ex in exercises)


def figures(name: str, m: Measured, n: int) -> str:
    check = "" if m.cgroup_cpu is None else f" · cgroup {m.cgroup_cpu / n:5.2f}"
    return (f"{name:<24} {m.wall:7.1f} s  {n / m.wall * 60:7.1f} submissions/min  "
            f"CPU {m.cpu / n:5.2f} s/submission (orphans {m.orphans}: "
            f"{m.orphan_cpu / n:.2f}){check}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="dltutor grade --jobs values to run (default: 1 2)")
    parser.add_argument("--nbgrader-venv", type=Path, default=Path("/tmp/nbg"),
                        help="a virtualenv with nbgrader, numpy and torch (runs PATH/bin/nbgrader)")
    parser.add_argument("--one-notebook", action="store_true",
                        help="one notebook with the four exercises instead of one per exercise")
    parser.add_argument("--seed", type=int, default=7, help="seed of the submission mix")
    parser.add_argument("--keep", type=Path, help="build everything in DIR (new; kept) instead of tmp")
    args = parser.parse_args()

    venv = args.nbgrader_venv.absolute()
    try:
        versions = nbgrader_version(venv)
    except FileNotFoundError as exc:
        sys.exit(f"nbgrader is not usable from {venv} ({exc}). nbgrader is not a dependency of "
                 f"dltutor; make a virtualenv for it:\n\n    {HOWTO.format(venv=venv)}\n\n"
                 "(pin torch: an unpinned one pulls GBs of CUDA wheels)")
    reaping = subreaper()
    course_data = load_course()
    exercises = [course_data.exercise(e) for e in CORE if e in course_data.exercises]
    nbs = layout(exercises, args.one_notebook)

    with tempfile.TemporaryDirectory(prefix="dltutor-nbgrader-") as tmp:
        root = args.keep.absolute() if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        py_root, course, scratch = root / "py", root / "course", root / "scratch"
        counts = build(py_root, exercises, args.submissions, random.Random(args.seed))
        n = args.submissions
        print(f"nbgrader vs dltutor grade · {n} submissions × {len(exercises)} exercises "
              f"({', '.join(e.id for e in exercises)}) · {os.cpu_count()} CPUs · "
              f"load average {load()}")
        print(f"files: {counts['correct']} correct, {counts['wrong']} wrong, {counts['broken']} "
              f"broken (some missing) · {versions} ({venv}) · "
              + ("one notebook with the four exercises" if args.one_notebook
                 else "one notebook per exercise"))
        if not reaping:
            print("WARNING: could not become a child subreaper: orphans' CPU is not counted")

        write_source(course, nbs)
        env = nbgrader_env(venv, scratch)
        nbgrader = str(venv / "bin" / "nbgrader")
        gen = subprocess.run([nbgrader, "generate_assignment", ASSIGNMENT, "--force"], env=env,
                             cwd=course, capture_output=True, text=True, check=False)
        if gen.returncode:
            sys.exit(f"nbgrader generate_assignment failed:\n{gen.stdout}{gen.stderr}")
        write_submitted(course, py_root, nbs)
        (root / "set.toml").write_text(set_toml(exercises))

        results: list[tuple[str, Measured]] = []
        dltutor_verdicts: dict[int, dict[tuple[str, str], tuple[bool, float]]] = {}
        for jobs in args.jobs:
            report = root / f"dltutor-jobs{jobs}.json"
            cmd = [sys.executable, "-m", "tutor", "grade", "--set", str(root / "set.toml"),
                   *sorted(str(p) for p in py_root.iterdir()), "--jobs", str(jobs),
                   "--cache", str(root / f"cache-jobs{jobs}"), "--format", "json",
                   "--output", str(report)]
            log = root / f"dltutor-jobs{jobs}.log"
            m = measure(cmd, dict(os.environ), REPO, log)
            if m.returncode not in (0, 1):  # 1: someone is below the set's min_score
                sys.exit(f"dltutor grade --jobs {jobs} failed ({m.returncode}):\n"
                         + log.read_text()[-3000:])
            results.append((f"dltutor grade --jobs {jobs}", m))
            print(figures(results[-1][0], m, n), flush=True)
            dltutor_verdicts[jobs] = {
                (sub["submission"], g["id"]): (g["verdict"] == "pass", float(g["score"]))
                for sub in json.loads(report.read_text())["submissions"]
                for g in sub["exercises"]}

        log = root / "nbgrader-autograde.log"
        m = measure([nbgrader, "autograde", ASSIGNMENT], env, course, log)
        if m.returncode:
            sys.exit(f"nbgrader autograde failed ({m.returncode}):\n" + log.read_text()[-3000:])
        results.insert(0, ("nbgrader autograde", m))
        print(figures("nbgrader autograde", m, n), flush=True)

        scores = subprocess.run([str(venv / "bin" / "python"), "-c", SCORES,
                                 f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT], env=env,
                                cwd=course, capture_output=True, text=True, check=True)
        nbgrader_scores = {
            (student, grade_id.removesuffix("_tests")): (score, top)
            for student, grades in json.loads(scores.stdout).items()
            for grade_id, (score, top) in grades.items() if grade_id.endswith("_tests")}

        nb = results[0][1]
        for name, dm in results[1:]:
            print(f"ratio {name}: {nb.wall / dm.wall:5.1f}× nbgrader's submissions/min, "
                  f"{nb.cpu / dm.cpu:5.1f}× less CPU per submission")

        reference = dltutor_verdicts[args.jobs[0]]
        if any(v != reference for v in dltutor_verdicts.values()):
            print("WARNING: dltutor's reports differ between --jobs values")
        verdict_diff, score_diff = [], []
        for key, (passed, score) in sorted(reference.items()):
            nb_score, nb_max = nbgrader_scores.get(key, (None, None))
            nb_pass = nb_score is not None and nb_score >= nb_max
            if nb_pass != passed:
                verdict_diff.append(f"{key[0]}/{key[1]}: dltutor "
                                    f"{'pass' if passed else 'not pass'}, nbgrader {nb_score}")
            elif nb_score is None or abs(nb_score - score) > 0.01:  # reports round to 0.01
                score_diff.append(f"{key[0]}/{key[1]}: dltutor {score:g}, nbgrader {nb_score}")
        n_pass = sum(p for p, _ in reference.values())
        print(f"verdicts: {len(reference) - len(verdict_diff)} of {len(reference)} agree "
              f"(dltutor: {n_pass} pass, {len(reference) - n_pass} not); scores: "
              f"{len(reference) - len(verdict_diff) - len(score_diff)} agree")
        for line in verdict_diff:
            print(f"  VERDICT DIFFERS {line}")
        for line in score_diff:
            print(f"  score differs   {line}")
        print(f"load average at the end: {load()}")
        if args.keep:
            print(f"kept: {root} (course/, py/, reports and logs)")


if __name__ == "__main__":
    main()
