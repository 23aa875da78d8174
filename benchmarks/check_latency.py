"""Check latency: the warm worker vs a cold process per check, measured in one run.

Warm: one `Grader` (worker with numpy + torch preloaded, zygote forking a child per check);
each check of the reference solution is timed from the client's call to its return.
Cold baseline: a fresh `python` process that imports torch, builds the cases and references,
runs the same check and exits — what a grader without a warm worker pays per check.

Target (issue #2): warm p50 <= 100 ms on these 2-core machines, and >= 20x faster than cold.

    python benchmarks/check_latency.py [--runs 30] [--cold-runs 5]
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

EXERCISES = ("relu_backward", "lstm_cell")
COLD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from tutor.course import load_course
from tutor.grading import sandbox
from tutor.grading.checker import Checker
ex = load_course().exercise(sys.argv[1])
result = Checker(sandbox.run).check(ex, Path(sys.argv[2]))
assert result.passed, result.message
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()
    course = load_course()
    print(f"check latency · {args.runs} warm runs, {args.cold_runs} cold runs per exercise")
    with Grader() as grader:
        t = time.perf_counter()
        grader.wait_ready()
        print(f"worker start-up (once): {time.perf_counter() - t:.2f} s")
        for ex_id in EXERCISES:
            ex = course.exercise(ex_id)
            assert ex.solution_path
            first = time.perf_counter()
            grader.check(ex, ex.solution_path)  # first check also builds cases + references
            first = time.perf_counter() - first
            warm = []
            for _ in range(args.runs):
                t = time.perf_counter()
                result = grader.check(ex, ex.solution_path)
                warm.append(time.perf_counter() - t)
                assert result.passed
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
                  f"(first check {first * 1000:.0f} ms) | cold median {cold_med * 1000:6.0f} ms "
                  f"| speed-up {cold_med / p50:5.1f}x  target: p50<=100 ms, >=20x")


if __name__ == "__main__":
    main()
