"""The capstone run: `dltutor train digits_lenet --use-mine all` with the shipped solutions as
the learner's files. Prints each member's held-out accuracy and time, the learner's ("mine":
their conv2d, max pooling, linear and ReLU backward passes, softmax-CE gradient and Adam step,
in numpy) against the baseline measured in the same run: PyTorch's member, trained in lockstep
on the same batches from the same weights.

    python benchmarks/capstone.py                       # the real thing (a few minutes)
    python benchmarks/capstone.py --epochs 1 --set train_size=2000

What it does is what `dltutor train ... --use-mine all` does: check every file with the grader
(timed, one line), then the run, in this process so each member's share can be timed (the
learner's numpy code runs inside their member's training steps and evaluation passes). Target:
≥ 90 % held-out accuracy for both, the whole run within ~3-4 minutes on a 2-core CPU.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tutor.course import load_course
from tutor.training import registry, swap

EXPERIMENT = "digits_lenet"


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.2f} %"


def check_files(workspace: Path) -> tuple[list[tuple[Any, Path]], float]:
    """The CLI's `--use-mine all` selection and checks, with the solutions as the files."""
    from tutor.grading.client import Grader

    course = load_course()
    info = registry.get(EXPERIMENT)
    for ex in swap.fitting(info, course):
        if ex.solution_path is not None and ex.train is not None and (
                ex.train.kind != "optimizer" or ex.train.label == info.optimizer):
            shutil.copyfile(ex.solution_path, workspace / ex.filename)
    picked = swap.everything(info, course, lambda ex: (workspace / ex.filename).is_file())
    t0 = time.perf_counter()
    with Grader() as grader:
        vetted = swap.vet([(ex, workspace / ex.filename) for ex in picked.check], grader.check,
                          stop_at_first=False)
    if vetted.refused:
        raise SystemExit(f"a solution failed its check: {vetted.refused[0][0].id}")
    return vetted.passed, time.perf_counter() - t0


def timed_run(argv: list[str]) -> tuple[Any, dict[str, float], dict[str, float], float]:
    """Run in this process with each member's training steps and evaluation passes timed."""
    from tutor.training import loop
    from tutor.training.run import run_inline

    steps: dict[str, float] = defaultdict(float)
    evals: dict[str, float] = defaultdict(float)
    names: dict[int, str] = {}
    train_step, full_pass = loop._train_step, loop._pass

    def timed_step(plan: Any, member: Any, *args: Any, **kwargs: Any) -> Any:
        names[id(member.model)] = member.name
        t = time.perf_counter()
        try:
            return train_step(plan, member, *args, **kwargs)
        finally:
            steps[member.name] += time.perf_counter() - t

    def timed_pass(plan: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return full_pass(plan, model, *args, **kwargs)
        finally:
            evals[names.get(id(model), "?")] += time.perf_counter() - t

    loop._train_step, loop._pass = timed_step, timed_pass  # type: ignore[assignment]
    events: list[Any] = []
    t0 = time.perf_counter()
    try:
        end = run_inline(argv, events.append)
    finally:
        loop._train_step, loop._pass = train_step, full_pass  # type: ignore[assignment]
    return end, steps, evals, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        passed, check_s = check_files(Path(tmp))
        argv = [EXPERIMENT, "--device", "cpu"]
        if args.epochs:
            argv += ["--epochs", str(args.epochs)]
        for item in args.set:
            argv += ["--set", item]
        for ex, path in passed:
            argv += ["--mine", f"{ex.id}={ex.function}@{path}"]
        end, steps, evals, whole = timed_run(argv)
    info = registry.get(EXPERIMENT)
    config = {**info.config, **registry.parse_overrides(info, args.set)}
    print(f"capstone: {EXPERIMENT} --use-mine all ({len(passed)} pieces: "
          f"{', '.join(ex.id for ex, _ in passed)})")
    print(f"{config['train_size']} training / {config['val_size']} held-out digits, "
          f"{args.epochs or info.epochs} epochs, {end.steps} steps, float64 on the CPU")
    print(f"checking the {len(passed)} files first (grader start included): {check_s:.1f} s")
    print()
    print(f"{'member':<9} {'held-out acc':>12} {'train acc':>10} {'steps':>9} {'eval':>8} "
          f"{'total':>9}")
    base = steps.get("pytorch", 0.0) + evals.get("pytorch", 0.0)
    for name in ("pytorch", "mine"):
        f = end.summary.get(name, {})
        total = steps.get(name, 0.0) + evals.get(name, 0.0)
        ratio = "(baseline)" if name == "pytorch" else f"({total / max(base, 1e-9):.1f}× the baseline)"
        print(f"{name:<9} {pct(f.get('val_acc')):>12} {pct(f.get('train_acc')):>10} "
              f"{steps.get(name, 0.0):>8.1f}s {evals.get(name, 0.0):>7.1f}s {total:>8.1f}s  {ratio}")
    print()
    print(f"whole run in this process (torch import, data, both members, pictures): {whole:.1f} s")
    for c in end.comparisons:
        where = "never" if c["diverged_at"] is None else f"at step {c['diverged_at']}"
        print(f"{c['series']} vs {c['reference']}: largest |Δloss| {c['max_abs_diff']:.1e} over "
              f"{c['steps']} steps; parted {where}")


if __name__ == "__main__":
    main()
