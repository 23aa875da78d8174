"""Batch grading throughput: the warm engine vs a cold process per check, in one run.

Builds N submissions (default 100) for the four core exercises, each file drawn from a fixed mix:
correct (the reference solution), wrong (one of the exercise's known-mistake files) or broken
(a syntax error, a NameError, a function returning None, or no file at all).

Warm: `grade_batch` with --jobs workers (default: the CPU count), timed from the start (worker
start-up included) to the finished report. Cold baseline: a sample of the same checks, each in a
fresh `python` process that imports torch, builds the cases and references and runs the check
(what an autograder without a warm worker pays), run --jobs at a time. The sample's verdicts are
compared with the warm ones, so both sides did the same work.

Target: warm >= 20x the cold baseline (submissions per minute) on these 2-core machines.

    python benchmarks/grade_throughput.py [--submissions 100] [--sample 8] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tutor.course import load_course
from tutor.grading.batch import discover, grade_batch
from tutor.grading.sets import AssignmentSet, SetEntry, resolve

CORE = ("relu_backward", "conv_output_size", "adam_step", "lstm_cell")
TARGET = 20.0
MIX = (("correct", 0.5), ("wrong", 0.3), ("broken", 0.2))
BROKEN = {
    "syntax": "def {fn}(*args, **kwargs)\n    return None\n",
    "name_error": "def {fn}(*args, **kwargs):\n    return undefined_name + 1\n",
    "returns_none": "def {fn}(*args, **kwargs):\n    return None\n",
    "missing": None,
}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
COLD = """
import sys
from pathlib import Path
from tutor.course.loader import load_exercise
from tutor.grading import sandbox
from tutor.grading.checker import Checker
ex = load_exercise(Path(sys.argv[1]), Path(sys.argv[2]))
result = Checker(sandbox.run_fresh).check(ex, Path(sys.argv[3]))
print(result.verdict.value, result.score)
"""


def build(root: Path, exercises: list, n: int, rng: random.Random) -> dict[str, int]:
    counts = {"correct": 0, "wrong": 0, "broken": 0}
    for i in range(n):
        folder = root / f"student{i:03d}"
        folder.mkdir(parents=True)
        for ex in exercises:
            kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            counts[kind] += 1
            target = folder / ex.filename
            if kind == "correct":
                target.write_text(ex.solution_path.read_text())
            elif kind == "wrong":
                target.write_text(rng.choice(ex.mistakes).path.read_text())
            else:
                template = BROKEN[rng.choice(sorted(BROKEN))]
                if template is not None:
                    target.write_text(template.format(fn=ex.function))
    return counts


def cold_check(ex, file: Path) -> tuple[str, float, float]:
    env = {"PYTHONPATH": str(REPO), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           **{v: "1" for v in THREAD_VARS}}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", COLD, str(ex.directory),
                          str(ex.solution_path.parent), str(file)],
                         capture_output=True, text=True, cwd=REPO, env=env, check=True)
    verdict, score = out.stdout.split()
    return verdict, float(score), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--sample", type=int, default=8, help="checks in the cold sample")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7, help="seed of the submission mix")
    args = parser.parse_args()

    course = load_course()
    exercises = []
    for ex_id in CORE:
        if ex_id not in course.exercises:
            print(f"skipping {ex_id}: not in the course yet")
            continue
        exercises.append(course.exercise(ex_id))
    if not exercises:
        sys.exit("none of the core exercises exists yet")
    assignment = AssignmentSet("throughput", tuple(SetEntry(e.id) for e in exercises))
    items = resolve(assignment, course)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="dltutor-bench-") as tmp:
        root = Path(tmp)
        counts = build(root, exercises, args.submissions, rng)
        submissions = discover(sorted(root.iterdir()))
        n_checks = len(submissions) * len(items)
        print(f"grade throughput · {len(submissions)} submissions × {len(items)} exercises "
              f"({', '.join(e.id for e in exercises)}) · {args.jobs} jobs · "
              f"{os.cpu_count()} CPUs")
        print(f"files: {counts['correct']} correct, {counts['wrong']} wrong, "
              f"{counts['broken']} broken (of which some missing)")

        start = time.perf_counter()
        report = grade_batch(submissions, items, title="throughput", jobs=args.jobs)
        warm_s = time.perf_counter() - start
        warm_rate = len(submissions) / warm_s * 60
        verdicts: dict[str, int] = {}
        for sub in report.submissions:
            for g in sub.exercises:
                verdicts[g.verdict.value] = verdicts.get(g.verdict.value, 0) + 1
        print(f"warm: {warm_s:.1f} s for {n_checks} checks (worker start-up included) → "
              f"{warm_rate:.0f} submissions/min · verdicts {dict(sorted(verdicts.items()))}")

        # the cold sample: checks that really run learner code (missing files cost nothing)
        graded = [(sub, g) for sub in report.submissions for g in sub.exercises
                  if g.result is not None]
        sample = random.Random(args.seed + 1).sample(graded, min(args.sample, len(graded)))
        by_id = {e.id: e for e in exercises}

        def run_one(pair):  # type: ignore[no-untyped-def]
            sub, grade = pair
            file = root / sub.name / by_id[grade.id].filename
            return pair, cold_check(by_id[grade.id], file)

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            cold = list(pool.map(run_one, sample))
        cold_s = time.perf_counter() - start
        mismatched = [(s.name, g.id) for (s, g), (verdict, score, _) in cold
                      if verdict != g.verdict.value or abs(score * g.max_score - g.score) > 0.01]
        per_check = cold_s / len(sample)
        missing_share = 1 - len(graded) / n_checks
        # a cold grader pays nothing for a missing file either: count only the checks it runs
        cold_sub_s = per_check * len(items) * (1 - missing_share)
        cold_rate = 60 / cold_sub_s
        median = sorted(t for _, (_, _, t) in cold)[len(cold) // 2]
        print(f"cold: {len(sample)} checks in {cold_s:.1f} s ({args.jobs} at a time; median "
              f"{median:.2f} s per process) → {cold_rate:.1f} submissions/min")
        if mismatched:
            print(f"WARNING: cold and warm disagree on {mismatched}")
        ratio = warm_rate / cold_rate
        print(f"ratio: {ratio:.0f}× the cold baseline (target ≥ {TARGET:.0f}×) — "
              + ("OK" if ratio >= TARGET else "BELOW TARGET"))


if __name__ == "__main__":
    main()
