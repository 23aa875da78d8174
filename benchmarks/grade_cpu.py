"""What grading a class costs in CPU, and what the two process changes bought, in one run.

The two changes, each switched off beside itself in the same run:
- **one process per check** (`tutor/grading/clone.py`): the check's process is cloned straight
  into its namespaces, PID 1 inside; `DLTUTOR_JAIL_CLONE=0` is the old path (a forked child
  unshares and forks the check's process: two processes per check);
- **workers forked from one warm parent** (`tutor/grading/pool.py`, the default from `--jobs 2`):
  one template imports torch once and forks the workers; `workers` is the old way (each worker a
  process of its own that imports torch and warms up).

The class is `grade_throughput.py`'s (N submissions × the four core exercises: correct, a known
mistake, or broken). Each configuration grades it with `grade_batch` in a fresh process (the same
call `dltutor grade` makes), and the CPU of that process's whole tree is summed, orphans included
(this process is made a child subreaper; see `nbgrader_compare.py`). Configurations are
interleaved round by round so load falls on all alike; medians over the rounds are printed.

Start-up is measured apart, on a class of two submissions of one exercise: what the workers cost
before they grade anything, and what an added one costs (`--jobs 2` minus `--jobs 1`).

`--before PYTHON`: also run an older install (say, a venv of the previous commit) as `workers`
with its own defaults. Every configuration must give the same verdicts; any difference is printed.

    python benchmarks/grade_cpu.py [--submissions 40] [--rounds 3] [--before /tmp/bv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from grade_throughput import CORE, THREAD_VARS, build
from nbgrader_compare import load, measure, subreaper

from tutor.course import load_course

DRIVER = """
import json, sys
from pathlib import Path
from tutor.course import load_course
from tutor.grading.batch import discover, grade_batch
from tutor.grading.client import Grader
from tutor.grading.sets import load_set, resolve
mode, jobs, set_path, root, out = sys.argv[1:6]
hw = load_set(Path(set_path))
items = resolve(hw, load_course(hw.packs))
subs = discover(sorted(Path(root).iterdir()))
extra = {"grader_factory": Grader} if mode == "workers" else {}
report = grade_batch(subs, items, title="cpu", jobs=int(jobs), **extra)
Path(out).write_text(json.dumps({s.name: [[e.id, e.verdict.value, e.score] for e in s.exercises]
                                 for s in report.submissions}, sort_keys=True))
"""


@dataclass(frozen=True)
class Config:
    name: str
    python: str
    mode: str  #: "pool" (the default) or "workers" (a process each)
    jobs: int
    clone: bool


def configs(before: str | None, jobs: int) -> list[Config]:
    here = sys.executable
    out = []
    if before:
        out.append(Config(f"before · --jobs {jobs}", before, "workers", jobs, True))
    out.append(Config(f"workers, fork+unshare · --jobs {jobs}", here, "workers", jobs, False))
    out.append(Config(f"workers, clone · --jobs {jobs}", here, "workers", jobs, True))
    if jobs > 1:
        out.append(Config(f"one warm parent, clone · --jobs {jobs}", here, "pool", jobs, True))
    return out


def run(config: Config, set_path: Path, root: Path,
        scratch: Path) -> tuple[float, float, float, str]:
    """(wall s, tree CPU s, of which in the kernel, the verdicts as JSON) for one grading."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLTUTOR_JAIL_CLONE")}
    env.update({v: "1" for v in THREAD_VARS})
    if not config.clone:
        env["DLTUTOR_JAIL_CLONE"] = "0"
    if config.python == sys.executable:
        env["PYTHONPATH"] = str(REPO)
    out = scratch / "verdicts.json"
    out.unlink(missing_ok=True)
    cmd = [config.python, "-c", DRIVER, config.mode, str(config.jobs), str(set_path), str(root),
           str(out)]
    m = measure(cmd, env, scratch, scratch / "log.txt")
    if m.returncode:
        sys.exit(f"{config.name} failed ({m.returncode}):\n"
                 + (scratch / "log.txt").read_text()[-3000:])
    return m.wall, m.cpu, m.kernel_cpu, out.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="the python of an older install, run as `workers`")
    parser.add_argument("--seed", type=int, default=7, help="seed of the submission mix")
    args = parser.parse_args()
    if not subreaper():
        print("WARNING: could not become a child subreaper: orphans' CPU is not counted")
    course = load_course()
    exercises = [course.exercise(e) for e in CORE]
    with tempfile.TemporaryDirectory(prefix="dltutor-cpu-") as tmp:
        base = Path(tmp)
        klass, tiny, scratch = base / "class", base / "tiny", base / "scratch"
        scratch.mkdir()
        counts = build(klass, exercises, args.submissions, random.Random(args.seed))
        relu = exercises[0]
        for student in ("student000", "student001"):  # two checks: --jobs 2 starts two workers
            (tiny / student).mkdir(parents=True)
            (tiny / student / relu.filename).write_text(relu.solution_path.read_text())
        full_set, tiny_set = base / "set.toml", base / "tiny.toml"
        full_set.write_text('title = "cpu"\n' + "".join(
            f'\n[[exercises]]\nid = "{e.id}"\npoints = 10\n' for e in exercises))
        tiny_set.write_text(f'title = "cpu"\n\n[[exercises]]\nid = "{relu.id}"\npoints = 10\n')

        n = args.submissions
        print(f"grade CPU · {n} submissions × {len(exercises)} exercises · {counts} · "
              f"{os.cpu_count()} CPUs · load average {load()} · {args.rounds} rounds, medians")
        plan = [(c, full_set, klass) for j in (1, 2) for c in configs(args.before, j)]
        plan += [(c, tiny_set, tiny) for j in (1, 2) for c in configs(args.before, j)]
        walls: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], list[float]] = {}
        kernels: dict[tuple[str, str], list[float]] = {}
        verdicts: dict[str, set[str]] = {}
        for _ in range(args.rounds):
            for config, set_path, root in plan:
                wall, cpu, kernel, said = run(config, set_path, root, scratch)
                key = (config.name, root.name)
                walls.setdefault(key, []).append(wall)
                cpus.setdefault(key, []).append(cpu)
                kernels.setdefault(key, []).append(kernel)
                verdicts.setdefault(root.name, set()).add(said)

        print(f"\nthe class ({n} submissions): wall, submissions/min, CPU per submission; then "
              "past start-up (minus the start-up run's figures: what each further submission costs)")
        for config, _, root in plan:
            if root is not klass:
                continue
            wall = statistics.median(walls[(config.name, "class")])
            cpu = statistics.median(cpus[(config.name, "class")])
            wall0 = statistics.median(walls[(config.name, "tiny")])
            cpu0 = statistics.median(cpus[(config.name, "tiny")])
            kernel = statistics.median(kernels[(config.name, "class")])
            kernel0 = statistics.median(kernels[(config.name, "tiny")])
            print(f"  {config.name:<40} {wall:6.1f} s  {n / wall * 60:7.0f}/min  "
                  f"CPU {cpu / n * 1000:5.0f} ms/submission | past start-up "
                  f"{n / max(wall - wall0, 1e-9) * 60:7.0f}/min  "
                  f"CPU {(cpu - cpu0) / n * 1000:5.0f} ms/submission, "
                  f"{(kernel - kernel0) / max(cpu - cpu0, 1e-9):4.0%} in the kernel")
        print("\nstart-up (two submissions, one exercise): CPU of the whole run")
        for config, _, root in plan:
            if root is not tiny:
                continue
            cpu = statistics.median(cpus[(config.name, "tiny")])
            wall = statistics.median(walls[(config.name, "tiny")])
            print(f"  {config.name:<40} CPU {cpu:5.2f} s   wall {wall:5.2f} s")
        print("\nwhat an added worker costs (CPU, --jobs 2 minus --jobs 1, start-up run)")
        for name in dict.fromkeys(c.name.split(" · ")[0] for c, _, r in plan if r is tiny):
            one, two = (cpus.get((f"{name} · --jobs {j}", "tiny")) for j in (1, 2))
            if name.startswith("one warm parent"):
                one = cpus.get(("workers, clone · --jobs 1", "tiny"))
            if one and two:
                print(f"  {name:<40} {statistics.median(two) - statistics.median(one):+5.2f} s")
        agree = True
        for name, seen in verdicts.items():
            if len(seen) != 1:
                agree = False
                print(f"WARNING: the configurations disagree on {name}'s verdicts")
        if agree:
            graded = sum(len(json.loads(next(iter(v)))) for v in verdicts.values())
            print(f"\nverdicts: every configuration agrees ({graded} submissions)")
        print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
