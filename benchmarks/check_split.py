"""Where a warm check's time goes: IPC, fork and jail, the learner's import, the calls, the
compare and the report — p50 and p90 of each, for relu_backward, adam_step and lstm_cell.

Two measurements in one run, interleaved check by check so that load on the machine falls on
both alike, on the reference solution, checks `--gap` seconds apart (as a learner's are: the
next jailed child is built in the pause):

1. The client's round trip: `Grader.check` against a real worker, as `dltutor` does.
2. The same checks in this process, set up exactly as the worker sets itself up (threads pinned,
   numpy warmed, the light zygote forked, torch imported and warmed, the torch zygote forked),
   with the pieces timed from outside, so no product code carries timers:
   - `worker`: `Checker.check` from the call to the result (cases and references are cached after
     the first check, as in the worker);
   - `sandbox`: the zygote round trip inside it: the request over the pipe, the pre-forked child
     taking it, importing the file, calling it on every case, the frames back, the child killed;
   - `import` and `calls`: the same source compiled and executed, and the exercise's driver
     called on every case, in this process (no jail): what the child spends on the learner's
     side;
   - `fork/jail/pipes` = sandbox − import − calls: what isolation costs on the learner's wait;
   - `compare+report` = worker − sandbox: judging each case, the diagnosis, the report;
   - `IPC` = round trip − worker: JSON over the worker's pipes and the client's parsing.
   Each is a per-check difference of medians, so the parts add up to the round trip's p50 only
   approximately.

    python benchmarks/check_split.py [--runs 30] [--gap 0.25]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EXERCISES = ("relu_backward", "adam_step", "lstm_cell")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(runs: int, gap: float) -> tuple[str, dict[str, dict[str, list[float]]]]:
    """Set this process up like the worker, then time the pieces and the real round trip."""
    from tutor.grading import worker
    from tutor.grading.client import Grader

    grader = Grader()
    grader.start()  # a real worker, beside this one

    worker.pin_threads()
    worker.warm_up_numpy()
    light = worker.ZygoteClient()  # before torch, as the worker does
    worker.warm_up()
    zygotes = worker.Zygotes(light, worker.ZygoteClient())

    from tutor.course import load_course
    from tutor.grading import codec
    from tutor.grading.checker import Checker, load_trusted
    from tutor.grading.trusted import default_drive

    sandbox_times: list[float] = []

    def timed_run(request):  # the zygote's request and its result
        t = time.perf_counter()
        try:
            return zygotes.run(request)
        finally:
            sandbox_times.append(time.perf_counter() - t)

    checker = Checker(timed_run)
    course = load_course()
    grader.wait_ready()
    out: dict[str, dict[str, list[float]]] = {}
    for ex_id in EXERCISES:
        ex = course.exercise(ex_id)
        checker.check(ex, ex.solution_path)  # cases and references, once
        grader.check(ex, ex.solution_path)
        sandbox_times.clear()
        worker_times: list[float] = []
        trips: list[float] = []
        for _ in range(runs):
            time.sleep(gap)
            t = time.perf_counter()
            result = grader.check(ex, ex.solution_path)
            trips.append(time.perf_counter() - t)
            assert result.passed, result.message
            time.sleep(gap)
            t = time.perf_counter()
            result = checker.check(ex, ex.solution_path)
            worker_times.append(time.perf_counter() - t)
            assert result.passed, result.message
        cases = [codec.decode(c.inputs) for c in checker.prepare(ex, None, False)]
        drive = load_trusted(str(ex.driver_path)).drive if ex.driver_path else default_drive
        source = ex.solution_path.read_bytes()
        imports, calls = [], []
        for i in range(runs):
            t = time.perf_counter()
            namespace: dict[str, object] = {"__name__": f"learner_{i}"}
            exec(compile(source, str(ex.solution_path), "exec"), namespace)  # noqa: S102
            imports.append(time.perf_counter() - t)
            fn = namespace[ex.function]
            t = time.perf_counter()
            for case in cases:
                codec.encode({"ok": True, "value": drive(fn, **codec.decode(codec.encode(case)))})
            calls.append(time.perf_counter() - t)
        out[ex_id] = {"trip": trips, "worker": worker_times, "sandbox": list(sandbox_times),
                      "import": imports, "calls": calls}
    isolation = grader.isolation().summary()
    grader.close()
    return isolation, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.25)
    args = parser.parse_args()
    isolation, parts_by_ex = measure(args.runs, args.gap)
    print(f"check split · {args.runs} checks per exercise, {args.gap:g} s apart · isolation: "
          f"{isolation}")
    print("ms, p50 / p90   round trip       IPC      worker     sandbox   fork/jail"
          "      import       calls  compare+report")
    for ex_id in EXERCISES:
        parts = parts_by_ex[ex_id]

        def p(values: list[float], q: float) -> float:
            return percentile(values, q) * 1000

        cols = []
        for q in (0.5, 0.9):
            trip, work, box = p(parts["trip"], q), p(parts["worker"], q), p(parts["sandbox"], q)
            imp, call = p(parts["import"], q), p(parts["calls"], q)
            cols.append((trip, trip - work, work, box, box - imp - call, imp, call, work - box))
        line = "  ".join(f"{a:5.1f}/{b:<5.1f}" for a, b in zip(*cols))
        print(f"{ex_id:14s} {line}")


if __name__ == "__main__":
    main()
