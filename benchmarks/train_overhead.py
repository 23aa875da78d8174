"""What the live display costs a training run: the same experiment with `dltutor train`'s live
Rich display vs. the same training loop bare, in one run of this script.

    python benchmarks/train_overhead.py [EXPERIMENT] [--rounds N] [--epochs N]

- bare: this process builds the experiment exactly as the run process does and times the training
  loop with no events at all (`train(plan, emit=None)`).
- live: a real run process streaming events to `tutor.training.display.watch`, rendering
  frames (8 a second, to a terminal-like sink) as `dltutor train` does; timed from its `start`
  event to its `end` event, i.e. the same loop plus emitting, piping, parsing and drawing.

Rounds alternate (bare, live, bare, live, ...) so background load hits both alike; the medians
are compared. Target: overhead <= 5 %. The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console

from tutor.training import registry
from tutor.training.client import RunRequest, TrainingRun
from tutor.training.display import watch
from tutor.training.events import End, Event, Start


def bare(name: str, epochs: int | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the training loop alone, in this process."""
    from tutor.training.loop import train
    from tutor.training.run import build_parser, prepare

    argv = [name] + (["--epochs", str(epochs)] if epochs else [])
    args = build_parser().parse_args(argv)
    info = registry.get(name)
    prepared = prepare(args, info, {})
    t, cpu = time.perf_counter(), time.process_time()
    train(prepared.plan, emit=None, max_steps=prepared.max_steps, log_every=prepared.log_every)
    return time.perf_counter() - t, time.process_time() - cpu


class _Sink(io.StringIO):
    """A terminal that throws frames away after counting them."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)

    def isatty(self) -> bool:
        return True


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def live(name: str, epochs: int | None) -> tuple[float, float, int, int, float, float]:
    """(loop seconds from start to end event, whole command seconds, events, frame chars,
    CPU seconds this viewer process spent from start to end event, the run's loop CPU)."""
    marks: dict[str, float] = {}
    count = 0

    def on_event(event: Event) -> None:
        nonlocal count
        count += 1
        if isinstance(event, Start):
            marks["start"], marks["cpu0"] = time.perf_counter(), _cpu()
        elif isinstance(event, End):
            marks["end"], marks["cpu1"] = time.perf_counter(), _cpu()

    sink = _Sink()
    console = Console(file=sink, force_terminal=True, width=120, height=50,
                      color_system="truecolor")
    t0 = time.perf_counter()
    with TrainingRun(RunRequest(experiment=name, epochs=epochs)) as run:
        state = watch(run, console, on_event=on_event)
    total = time.perf_counter() - t0
    if state.end is None or state.end.status != "finished":
        raise SystemExit(f"the live run did not finish: {state.end}")
    return (marks["end"] - marks["start"], total, count, sink.chars,
            marks["cpu1"] - marks["cpu0"], state.end.train_cpu_s)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("experiment", nargs="?", default="digits_lenet")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int)
    args = p.parse_args()
    bare_s, live_s, totals, cpus, bare_cpu, run_cpu, viewer_cpu = [], [], [], [], [], [], []
    events = chars = 0
    for r in range(args.rounds):
        wall, cpu_bare = bare(args.experiment, args.epochs)
        bare_s.append(wall)
        bare_cpu.append(cpu_bare)
        loop, total, events, chars, cpu, cpu_run = live(args.experiment, args.epochs)
        live_s.append(loop)
        cpus.append(cpu / loop)
        run_cpu.append(cpu_run)
        viewer_cpu.append(cpu)
        totals.append(total)
        print(f"round {r + 1}: bare {bare_s[-1]:.2f} s   live {live_s[-1]:.2f} s "
              f"(whole command {total:.2f} s)", flush=True)
    b, lv = statistics.median(bare_s), statistics.median(live_s)
    print(f"\n{args.experiment}: median of {args.rounds} rounds")
    print(f"  bare training loop             {b:7.2f} s")
    print(f"  with the live display          {lv:7.2f} s   ({events} events, "
          f"{chars / 1e3:.0f} kB of frames drawn)")
    print(f"  overhead                       {100 * (lv - b) / b:+6.1f} %   (target <= 5 %)")
    print(f"  the viewer's own CPU           {100 * statistics.median(cpus):6.1f} % of one core "
          "while the run trained (drawing, reading events)")
    bc, rc, vc = (statistics.median(v) for v in (bare_cpu, run_cpu, viewer_cpu))
    print(f"  CPU time, less sensitive to other load: bare loop {bc:.2f} s; live run's loop "
          f"{rc:.2f} s ({100 * (rc - bc) / bc:+.1f} %), + viewer {vc:.2f} s "
          f"= {100 * (rc + vc - bc) / bc:+.1f} % work in all")
    print(f"  whole `dltutor train` command  {statistics.median(totals):7.2f} s "
          "(process start, torch import and data included)")


if __name__ == "__main__":
    main()
