"""The run process: `python -m tutor.training.run NAME [options]` trains one experiment and writes
one JSON event per line on stdout (`tutor.training.events`), and nothing else there.

It is deliberately a small entry point of its own (not `python -m tutor`), so starting it never
imports textual or the CLI. Before importing torch it takes over stdout (events go to a private
copy of the descriptor; fd 1 is pointed at stderr so prints from torch or the learner's code can't
corrupt the stream) and turns SIGINT/SIGTERM into "stop after this step": the parent stops a run
with SIGINT and gets a clean `end` event with status "stopped". If the parent disappears (its pid
changes) the run stops by itself, so no run outlives its viewer.

Exit status: 0 finished or stopped, 1 the experiment failed (the `end` event says why), 2 a bad
request (unknown experiment, unavailable device).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tutor.training import registry
from tutor.training.events import End, Event, Note, Start

LOG_POINTS = 250  #: Step events per series in a run: smooth curves, a few KB of JSON


class Channel:
    """The event stream: a private duplicate of the original stdout, flushed per event."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.broken = False

    def __call__(self, event: Event) -> None:
        if self.broken:
            return
        try:
            self.stream.write(event.to_json() + "\n")
            self.stream.flush()
        except (BrokenPipeError, OSError):
            self.broken = True  # the viewer is gone: the stop check ends the run


class StopFlag:
    def __init__(self, channel: Channel) -> None:
        self.requested = False
        self.channel = channel
        self.parent = os.getppid()

    def handle(self, signum: int, frame: Any) -> None:
        self.requested = True

    def __call__(self) -> bool:
        return self.requested or self.channel.broken or os.getppid() != self.parent


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tutor.training.run")
    p.add_argument("experiment")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    p.add_argument("--epochs", type=int)
    p.add_argument("--steps", type=int, help="stop after this many steps in all")
    p.add_argument("--lr", type=float)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--threads", type=int, help="torch CPU threads (default: the experiment's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--mine", action="append", default=[], metavar="EXERCISE=FUNCTION@PATH",
                   help="swap in the learner's function from PATH (already checked)")
    p.add_argument("--slot", action="append", default=[], metavar="EXERCISE=JSON",
                   help="the [train] slot of a --mine exercise (default: the built-in one's)")
    p.add_argument("--note", action="append", default=[], metavar="TEXT",
                   help="a warning to emit after the start event (what --use-mine left out)")
    p.add_argument("--log-points", type=int, default=LOG_POINTS)
    return p


def main(argv: list[str] | None = None) -> int:
    channel = Channel(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)
    stop = StopFlag(channel)
    signal.signal(signal.SIGINT, stop.handle)
    signal.signal(signal.SIGTERM, stop.handle)
    t0 = time.perf_counter()
    args = build_parser().parse_args(argv)
    try:
        info = registry.get(args.experiment)
        overrides = registry.parse_overrides(info, args.set)
    except (registry.UnknownExperiment, ValueError) as exc:
        channel(End(status="error", elapsed_s=0.0, message=str(exc), exit_code=2))
        return 2
    try:
        if info.prefetch:  # the data is drawn while torch imports (numpy only, a thread)
            import importlib

            module, _, func = info.prefetch.partition(":")
            getattr(importlib.import_module(module), func)({**info.config, **overrides},
                                                           args.seed)
        return _run(args, info, overrides, channel, stop, t0)
    except Exception as exc:  # noqa: BLE001 - the experiment failed: say so in the stream
        from tutor.training.devices import DeviceError
        from tutor.training.mine import MineError

        known = isinstance(exc, (DeviceError, MineError))
        channel(End(status="error", elapsed_s=time.perf_counter() - t0,
                    message=str(exc) if known else f"{type(exc).__name__}: {exc}",
                    traceback="" if known else traceback.format_exc(),
                    exit_code=2 if isinstance(exc, DeviceError) else 1))
        return 2 if isinstance(exc, DeviceError) else 1


@dataclass
class Prepared:
    """A run ready to train: the plan, its Start event, notes, and how often to log."""

    plan: Any  #: tutor.training.loop.Plan
    start: Start
    notes: list[str]
    log_every: int
    max_steps: int | None
    warnings: list[str] = field(default_factory=list)  #: --note: what --use-mine left out


def prepare(args: argparse.Namespace, info: registry.ExperimentInfo,
            overrides: dict[str, Any]) -> Prepared:
    """Pick the device, load the learner's functions, build the experiment (imports torch)."""
    import importlib

    import torch

    from tutor.lazy_torch import install

    install()  # every optimizer step would import torch._dynamo (1.4 s) for nothing
    from tutor.training.devices import cpu_threads, pick_device
    from tutor.training.experiments import BuildContext
    from tutor.training.loop import steps_per_epoch
    from tutor.training.mine import load_function

    threads = cpu_threads(args.threads if args.threads is not None else info.threads)
    if not _interop_set():
        torch.set_num_interop_threads(1)
    device, device_name, reason = pick_device(args.device, threads)
    mine: dict[str, Any] = {}
    for item in args.mine:
        exercise, _, rest = item.partition("=")
        function, _, path = rest.partition("@")
        mine[exercise] = load_function(Path(path), function or exercise)
    slots = _slots(args.slot, mine)
    # float64 when the learner's code runs, so a difference from PyTorch is theirs, not rounding.
    dtype = torch.float64 if mine and device.type != "mps" else torch.float32
    ctx = BuildContext(device=device, dtype=dtype, seed=args.seed, lr=args.lr,
                       default_lr=info.lr, batch_size=args.batch_size or info.batch_size,
                       epochs=args.epochs or info.epochs,
                       config={**info.config, **overrides}, mine=mine, slots=slots,
                       default_optimizer=info.optimizer)
    module_name, _, func = info.builder.partition(":")
    plan, setup = getattr(importlib.import_module(module_name), func)(ctx)
    if dtype == torch.float32 and mine:
        plan.tolerance = 1e-4
    per_epoch = steps_per_epoch(plan)
    total = per_epoch * plan.epochs
    if args.steps is not None:
        total = min(total, args.steps)
    start = Start(
        experiment=info.name, title=info.title, device=device.type, device_name=device_name,
        device_reason=reason, series=tuple(m.name for m in plan.members), epochs=plan.epochs,
        steps_per_epoch=per_epoch, total_steps=total, batch_size=plan.batch_size,
        lr=setup.lr, seed=args.seed, task=info.task, description=setup.description,
        mine=tuple(mine), grad_layers=setup.grad_layers,
        config={**ctx.config, "dtype": str(dtype).replace("torch.", ""),
                "torch": torch.__version__}, pid=os.getpid())
    log_every = max(1, round(total / max(1, args.log_points)))
    return Prepared(plan, start, setup.notes, log_every, args.steps, list(args.note))


def _slots(items: list[str], mine: dict[str, Any]) -> dict[str, Any]:
    """exercise id -> TrainSlot for each --mine exercise: from --slot (the CLI and the app send
    the course's, packs included), else the built-in exercise's. One without a slot is an error."""
    import json

    from tutor.course.train_slot import parse_train
    from tutor.training.mine import MineError
    from tutor.training.swap import builtin_slot

    given = {}
    for item in items:
        exercise, _, raw = item.partition("=")
        try:
            given[exercise] = parse_train(json.loads(raw))
        except ValueError as exc:
            raise MineError(f"--slot {exercise}: {exc}") from None
    out = {}
    for exercise in mine:
        slot = given.get(exercise) or builtin_slot(exercise)
        if slot is None:
            raise MineError(f"{exercise} has no [train] slot: it cannot be swapped into a run")
        out[exercise] = slot
    return out


_INTEROP = {"set": False}


def _interop_set() -> bool:
    """torch allows set_num_interop_threads once per process (benchmarks prepare twice)."""
    done, _INTEROP["set"] = _INTEROP["set"], True
    return done


def _run(args: argparse.Namespace, info: registry.ExperimentInfo, overrides: dict[str, Any],
         channel: Channel, stop: StopFlag, t0: float) -> int:
    end = execute(args, info, overrides, channel, stop, t0)
    return 0 if end.status in ("finished", "stopped") else 1


def execute(args: argparse.Namespace, info: registry.ExperimentInfo, overrides: dict[str, Any],
            emit: Callable[[Event], None], should_stop: Callable[[], bool],
            t0: float | None = None) -> End:
    from tutor.training.loop import train

    prepared = prepare(args, info, overrides)
    emit(prepared.start)
    for text in prepared.warnings:
        emit(Note(text=text, level="warning"))
    for text in prepared.notes:
        emit(Note(text=text))
    return train(prepared.plan, emit=emit, should_stop=should_stop, max_steps=prepared.max_steps,
                 log_every=prepared.log_every, start_time=t0)


def run_inline(argv: list[str], emit: Callable[[Event], None],
               should_stop: Callable[[], bool] = lambda: False) -> End:
    """Run an experiment in this process with the same events (tests, notebooks). Errors raise
    instead of becoming an `end` event; the caller's process gets torch loaded."""
    args = build_parser().parse_args(argv)
    info = registry.get(args.experiment)
    return execute(args, info, registry.parse_overrides(info, args.set), emit, should_stop)


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    # Skip the interpreter's teardown: with torch loaded it took ~1.3 s here, after the `end`
    # event was already out, and a viewer waiting to start the next run would feel it.
    os._exit(status)
