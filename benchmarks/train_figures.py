"""Every experiment with its defaults on one device: time, throughput and final accuracy, as a
Markdown table (what benchmarks/gpu_runs.md records, and the quality bars' evidence).

    python benchmarks/train_figures.py [--device auto|cpu|cuda|mps] [--repeat N] [NAME ...]

Each run is the real thing (`python -m tutor.training.run`, as `dltutor train` starts it).
Columns: whole = process start to exit (torch import and data included); loop = the training
loop (evaluation passes included); samples/s = median over the run's Step events (training
examples through all series per second); then the first series' final figures. The quality
bars (measured on a 2-core CPU): spiral_mlp >= 95 % training accuracy within 20 s whole,
digits_lenet >= 90 % held-out accuracy within 60 s whole.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tutor.training import registry
from tutor.training.client import RunRequest, TrainingRun
from tutor.training.events import End, Start, Step


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def one(name: str, device: str) -> str:
    t0 = time.perf_counter()
    start: Start | None = None
    end: End | None = None
    rates: list[float] = []
    with TrainingRun(RunRequest(experiment=name, device=device)) as run:
        for event in run.events():
            if isinstance(event, Start):
                start = event
            elif isinstance(event, Step) and event.samples_per_s > 0:
                rates.append(event.samples_per_s)
            elif isinstance(event, End):
                end = event
    whole = time.perf_counter() - t0
    if start is None or end is None or end.status != "finished":
        return f"| {name} | {device} | failed: {end.message if end else 'no end'} | | | | | |"
    first = start.series[0]
    f = end.summary.get(first, {})
    return (f"| {name} | {start.device_name} | {whole:.1f} s | {end.train_s:.1f} s | "
            f"{statistics.median(rates):,.0f} | {first} | {pct(f.get('train_acc'))} | "
            f"{pct(f.get('val_acc'))} | {f.get('train_loss', float('nan')):.4f} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("names", nargs="*", default=list(registry.EXPERIMENTS))
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    print("| experiment | device | whole | loop | samples/s | series | train acc | "
          "held-out acc | train loss |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.names:
        for _ in range(args.repeat):
            print(one(name, args.device), flush=True)


if __name__ == "__main__":
    main()
