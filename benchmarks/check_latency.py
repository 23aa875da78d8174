"""Check latency: the warm, jailed worker vs a cold process per check, and what each jail layer
costs, measured in one run.

Warm: one `Grader` (worker with numpy + torch preloaded, zygote keeping one jailed child
pre-forked while idle); each check of the reference solution is timed from the client's call to
its return, with a pause between checks as a learner's edits have (`--gap`, default 0.25 s: the
next child builds its jail then). Back-to-back checks (no pause) are reported too: there the jail
is built on the learner's wait.
Cold baseline: a fresh `python` process that imports torch, builds the cases and references,
runs the same check in the same jail and exits — what a grader without a warm worker pays.

Per layer: relu_backward's warm p50 with each layer switched off in turn (DLTUTOR_JAIL_OFF), all
namespaces off, everything off, and with pre-forking off (DLTUTOR_JAIL_PREFORK=0): the difference
from "all on" is what the layer costs.

Target (issue #9): with every layer on, warm p50 <= 30 ms for relu_backward on a quiet machine.

    python benchmarks/check_latency.py [--runs 30] [--cold-runs 3] [--gap 0.25]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tutor.course import load_course
from tutor.grading.client import Grader

EXERCISES = ("relu_backward", "adam_step", "lstm_cell")
LAYERS = (
    ("all layers on", {}),
    ("  pid off", {"DLTUTOR_JAIL_OFF": "pid"}),
    ("  mount off", {"DLTUTOR_JAIL_OFF": "mount"}),
    ("  net off", {"DLTUTOR_JAIL_OFF": "net"}),
    ("  uid off", {"DLTUTOR_JAIL_OFF": "uid"}),
    ("  namespaces off", {"DLTUTOR_JAIL_OFF": "namespaces"}),
    ("  everything off", {"DLTUTOR_JAIL_OFF": "namespaces,uid"}),
    ("  no pre-fork", {"DLTUTOR_JAIL_PREFORK": "0"}),
)
COLD = """
import sys
from pathlib import Path
from tutor.course import load_course
from tutor.grading import sandbox
from tutor.grading.checker import Checker
ex = load_course().exercise(sys.argv[1])
result = Checker(sandbox.run_fresh).check(ex, Path(sys.argv[2]))
assert result.passed, result.message
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_checks(grader: Grader, ex, runs: int, gap: float) -> list[float]:
    grader.check(ex, ex.solution_path)  # the first check also builds cases + references
    times = []
    for _ in range(runs):
        time.sleep(gap)
        t = time.perf_counter()
        result = grader.check(ex, ex.solution_path)
        times.append(time.perf_counter() - t)
        assert result.passed, result.message
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--gap", type=float, default=0.25)
    args = parser.parse_args()
    course = load_course()
    print(f"check latency · {args.runs} warm runs ({args.gap:g} s apart), "
          f"{args.cold_runs} cold runs per exercise")
    with Grader() as grader:
        t = time.perf_counter()
        grader.wait_ready()
        print(f"worker start-up (once): {time.perf_counter() - t:.2f} s · isolation: "
              f"{grader.isolation().summary()}")
        for ex_id in EXERCISES:
            ex = course.exercise(ex_id)
            warm = timed_checks(grader, ex, args.runs, args.gap)
            burst = timed_checks(grader, ex, max(5, args.runs // 3), 0.0)
            cold = []
            for _ in range(args.cold_runs):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-c", COLD, ex_id, str(ex.solution_path)],
                               check=True, cwd=REPO, env={"PYTHONPATH": str(REPO),
                                                          "PATH": "/usr/bin:/bin"})
                cold.append(time.perf_counter() - t)
            p50, p90 = percentile(warm, 0.5), percentile(warm, 0.9)
            cold_med = statistics.median(cold)
            print(f"{ex_id:15s} warm p50 {p50 * 1000:6.1f} ms  p90 {p90 * 1000:6.1f} ms  "
                  f"back-to-back p50 {percentile(burst, 0.5) * 1000:6.1f} ms | "
                  f"cold median {cold_med * 1000:6.0f} ms | speed-up {cold_med / p50:5.1f}x")
    print("\nwhat each layer costs (relu_backward, warm p50 / p90; back-to-back p50):")
    ex = course.exercise("relu_backward")
    for name, env in LAYERS:
        with Grader(env=env) as grader:
            warm = timed_checks(grader, ex, args.runs, args.gap)
            burst = timed_checks(grader, ex, max(5, args.runs // 3), 0.0)
            print(f"{name:18s} {percentile(warm, 0.5) * 1000:6.1f} / "
                  f"{percentile(warm, 0.9) * 1000:6.1f} ms   back-to-back "
                  f"{percentile(burst, 0.5) * 1000:6.1f} ms   ({grader.isolation().summary()})")


if __name__ == "__main__":
    main()
