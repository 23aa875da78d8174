"""Grading a class on Dask: a 2-worker and a 1-worker LocalCluster vs local `--jobs 2`, in one run.

The class is `grade_throughput.py`'s: N submissions (default 40) × the four core exercises, each
file correct, a known mistake, or broken (some missing). Each configuration grades the whole
class from cold: local `grade_batch` with 2 threads (2 warm engines), then `--scheduler local:2`
and `--scheduler local:1` (Dask worker processes, one warm engine each). Figures:

* submissions/min over the whole run (start-up included: what an instructor waits for) and over
  the grading alone (start-up excluded: what a long-lived cluster pays per class);
* CPU seconds per submission, summed over every process involved (this one, Dask's workers,
  the engines, their jailed children) and sampled before anything is closed.

The three reports must be the same, byte for byte (JSON): all three did the same work.
The baseline is the local run, measured in the same run. No target: on one machine the cluster
can only add overhead (a scheduler, worker processes, the file shipped to the worker); the
figure says how much, and what a second machine's worth of workers has to beat.

    python benchmarks/grade_cluster.py [--submissions 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from grade_throughput import CORE, build  # the same class as the throughput bench

from tutor.course import load_course
from tutor.grading.batch import discover, grade_batch
from tutor.grading.client import Grader
from tutor.grading.cluster import DaskCluster
from tutor.grading.formats import renderer
from tutor.grading.gradebook import GradeReport
from tutor.grading.sets import AssignmentSet, SetEntry, resolve


def tree_cpu() -> float:
    """CPU seconds of this process and every live descendant, with what each has reaped."""
    total = 0.0
    procs = [psutil.Process()]
    procs += procs[0].children(recursive=True)
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


#: () -> (the report, when grading proper began, CPU seconds then, CPU seconds at the end)
Run = Callable[[], tuple[GradeReport, float, float, float]]


def measure(name: str, n: int, grade: Run) -> tuple[str, str]:
    """Run `grade` from cold and print its figures; return its JSON report."""
    cpu0 = tree_cpu()
    start = time.perf_counter()
    report, began, cpu_began, cpu = grade()
    wall = time.perf_counter() - start
    grading = time.perf_counter() - began
    print(f"{name:<15} {wall:5.1f} s → {n / wall * 60:4.0f} submissions/min, "
          f"CPU {(cpu - cpu0) / n:.2f} s/submission · grading alone {grading:5.1f} s → "
          f"{n / grading * 60:4.0f}/min, CPU {(cpu - cpu_began) / n:.2f} s/submission")
    return name, renderer("json")(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7, help="seed of the submission mix")
    args = parser.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)

    course = load_course()
    exercises = [course.exercise(e) for e in CORE if e in course.exercises]
    items = resolve(AssignmentSet("cluster", tuple(SetEntry(e.id) for e in exercises)), course)
    with tempfile.TemporaryDirectory(prefix="dltutor-bench-") as tmp:
        root = Path(tmp)
        counts = build(root, exercises, args.submissions, random.Random(args.seed))
        subs = discover(sorted(root.iterdir()))
        n = len(subs)
        print(f"grade on Dask · {n} submissions × {len(items)} exercises "
              f"({', '.join(e.id for e in exercises)}) · {os.cpu_count()} CPUs · "
              f"files: {counts['correct']} correct, {counts['wrong']} wrong, "
              f"{counts['broken']} broken")

        def local() -> tuple[GradeReport, float, float, float]:
            graders = [Grader(), Grader()]
            try:
                for g in graders:
                    g.start()
                for g in graders:
                    g.wait_ready()
                began, cpu_began = time.perf_counter(), tree_cpu()
                report = grade_batch(subs, items, title="cluster", jobs=2, graders=graders)
                return report, began, cpu_began, tree_cpu()  # before the engines go
            finally:
                for g in graders:
                    g.close()

        def on_dask(workers: int) -> Run:
            def run() -> tuple[GradeReport, float, float, float]:
                with DaskCluster(f"local:{workers}") as cluster:
                    cluster.start()  # the workers and their engines, warm
                    began, cpu_began = time.perf_counter(), tree_cpu()
                    report = grade_batch(subs, items, title="cluster",
                                         run_tasks=cluster.run_tasks)
                    return report, began, cpu_began, tree_cpu()
            return run

        results = [measure("local --jobs 2", n, local),
                   measure("Dask local:2", n, on_dask(2)),
                   measure("Dask local:1", n, on_dask(1))]
        same = all(text == results[0][1] for _, text in results)
        print("reports: " + ("the same, byte for byte" if same else
                             "DIFFERENT: " + ", ".join(name for name, text in results
                                                       if text != results[0][1])))


if __name__ == "__main__":
    main()
