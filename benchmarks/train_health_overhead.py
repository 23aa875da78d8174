"""What the training-health measurements cost a run: the same experiment trained in this process
with them (`Plan.health`, the default) and without, both emitting every other event.

    python benchmarks/train_health_overhead.py [EXPERIMENT ...] [--rounds N] [--epochs N]

Rounds alternate (off, on, off, on, ...) so background load hits both alike; the medians are
compared, on CPU time (one torch thread: the work itself, which a busy shared machine disturbs far
less than wall time) and wall time, and how many Health events each series got is shown. Target: overhead <= 5 %
(`tutor.training.health.OVERHEAD`, which the schedule itself steers by). The figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tutor.training import registry
from tutor.training.events import Event, Health

DEFAULT = ("spiral_mlp", "deep_vs_residual", "lr_sweep", "init_compare")


def once(name: str, epochs: int | None, health: bool) -> tuple[float, float, int, int]:
    """(CPU seconds, wall seconds in the training loop, Health events, series) of one
    in-process run."""
    from tutor.training.loop import train
    from tutor.training.run import build_parser, prepare

    argv = [name] + (["--epochs", str(epochs)] if epochs else [])
    args = build_parser().parse_args(argv)
    prepared = prepare(args, registry.get(name), {})
    prepared.plan.health = health
    events: list[Event] = []
    t, cpu = time.perf_counter(), time.process_time()
    train(prepared.plan, emit=events.append, max_steps=prepared.max_steps,
          log_every=prepared.log_every)
    cpu, seconds = time.process_time() - cpu, time.perf_counter() - t
    return cpu, seconds, sum(isinstance(e, Health) for e in events), len(prepared.plan.members)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("experiments", nargs="*", default=list(DEFAULT))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    for name in args.experiments:
        off: list[tuple[float, float]] = []
        on: list[tuple[float, float]] = []
        measured = series = 0
        for _ in range(args.rounds):
            off.append(once(name, args.epochs, False)[:2])
            cpu, seconds, measured, series = once(name, args.epochs, True)
            on.append((cpu, seconds))
        (a, wa), (b, wb) = ((statistics.median(r[0] for r in runs),
                             statistics.median(r[1] for r in runs)) for runs in (off, on))
        print(f"{name:18} CPU without {a:6.2f} s  with {b:6.2f} s  overhead {b / a - 1:+6.1%}  "
              f"(wall {wb / wa - 1:+6.1%})  {measured / max(series, 1):.0f} Health events "
              "per series")


if __name__ == "__main__":
    main()
