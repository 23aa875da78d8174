"""The training loop every experiment shares: several series in lockstep, emitting events.

An experiment builds a `Plan` (data on the device, one `Member` per curve, the loss) and `train`
runs it: each step draws one batch and every member trains on that same batch, so curves started
from the same weights are comparable step by step (that is what makes "your Adam vs PyTorch's"
exact). Losses stay on the device between log points (no host sync per step on a GPU); a Step event
per series every `log_every` steps, an Epoch event per series after full passes over the training
and held-out data, GradNorms where the plan names layers, Compare for learner-vs-PyTorch pairs.

Training health (`tutor.training.health`): every few steps each trained member's step is measured
(gradient norms, update/weight ratios, dead ReLUs, saturation) and a Health event emitted; every
event then goes through a `symptoms.Judge`, whose Symptom events follow the event that caused
them, and the End event lists every symptom that appeared. A plan with `histograms` emits the
members' activation histograms before the first step and after every epoch.

`emit=None` runs the same loop bare (benchmarks/train_overhead.py); `should_stop()` is polled once
per step so Ctrl+C or a stop button ends the run within one step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch import nn

from tutor.training.events import Compare, End, Epoch, Event, GradNorms, Note, Step
from tutor.training.health import HealthMonitor, HealthSchedule, activation_histograms
from tutor.training.symptoms import Judge

Emit = Callable[[Event], None]
EVAL_BATCH = 1024
HISTOGRAM_PROBE = 512  #: training examples the activation histograms are taken on


@dataclass
class Member:
    """One curve: a model and its optimizer, or a forward-only shadow of another member."""

    name: str
    model: nn.Module
    optimizer: torch.optim.Optimizer | None
    #: forward-only: computes this member's output from the *reference* member's model and the
    #: batch, before the reference steps (the learner's lstm_cell on PyTorch's current weights)
    shadow: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None
    shadow_of: str | None = None
    grad_layers: Callable[[nn.Module], list[tuple[str, torch.Tensor]]] | None = None
    #: this member's own loss (the learner's softmax_ce_backward); None: the plan's
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
    #: called after each of its steps with (step, epoch); the events it returns are emitted
    #: (the learner's pieces checked against PyTorch's: `tutor.training.probe`)
    after_step: Callable[[int, int], list[Event]] | None = None


@dataclass
class Plan:
    train_x: torch.Tensor
    train_y: torch.Tensor
    members: list[Member]
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    classification: bool
    batch_size: int
    epochs: int
    val_x: torch.Tensor | None = None
    val_y: torch.Tensor | None = None
    compare: list[tuple[str, str]] = field(default_factory=list)  #: (reference, learner's)
    tolerance: float = 1e-6  #: |Δloss| per step above which a compared pair has diverged
    seed: int = 0
    health: bool = True  #: measure training health and judge symptoms (needs an emit)
    histograms: int = 0  #: bins of the activation histograms; 0: none
    #: events to send once training has finished, before `end` (pictures of the trained model)
    after_training: Callable[[], Sequence[Event]] | None = None


@dataclass
class _Track:
    """Per-member running figures between log points, kept on the device."""

    losses: list[torch.Tensor] = field(default_factory=list)
    correct: list[torch.Tensor] = field(default_factory=list)
    seen: int = 0
    last: dict[str, Any] = field(default_factory=dict)  #: last figures for the End summary


@dataclass
class _Pair:
    reference: str
    series: str
    max_abs: float = 0.0
    diverged_at: int | None = None
    last: float | None = None


def steps_per_epoch(plan: Plan) -> int:
    return math.ceil(len(plan.train_x) / plan.batch_size)


def train(plan: Plan, *, emit: Emit | None, should_stop: Callable[[], bool] = lambda: False,
          max_steps: int | None = None, log_every: int = 1, start_time: float | None = None) -> End:
    """Run `plan`; returns the End event (also emitted). Stops early when `should_stop()`."""
    t0 = start_time if start_time is not None else time.perf_counter()
    per_epoch = steps_per_epoch(plan)
    total = per_epoch * plan.epochs if max_steps is None else min(max_steps, per_epoch * plan.epochs)
    judge = Judge(total_steps=total)

    def say(event: Event) -> None:
        if emit is None:
            return
        emit(event)
        for symptom in judge.apply(event):
            emit(symptom)

    by_name = {m.name: m for m in plan.members}
    trained = [m for m in plan.members if m.shadow is None]
    tracks = {m.name: _Track() for m in plan.members}
    pairs = [_Pair(ref, other) for ref, other in plan.compare]
    gen = torch.Generator().manual_seed(plan.seed)
    watch = emit is not None and plan.health
    monitors = {m.name: HealthMonitor(m.name, m.model) for m in trained} if watch else {}
    schedule = HealthSchedule(total)
    if emit is not None and plan.histograms:
        _histograms(plan, trained, 0, say)
    n = len(plan.train_x)
    step, epoch, status = 0, 0, "finished"
    window_start, window_steps, eval_time = time.perf_counter(), 0, 0.0
    loop_start, cpu_start = window_start, time.process_time()
    for member in trained:
        member.model.train()
    while step < total:
        epoch += 1
        order = torch.randperm(n, generator=gen).to(plan.train_x.device)
        for b in range(per_epoch):
            if step >= total:
                break
            if should_stop():
                status = "stopped"
                break
            idx = order[b * plan.batch_size:(b + 1) * plan.batch_size]
            x, y = plan.train_x[idx], plan.train_y[idx]
            step += 1
            window_steps += 1
            log_now = step % log_every == 0 or step == total
            measure = bool(monitors) and schedule.due(step)
            step_start = time.perf_counter()
            for member in plan.members:
                if member.shadow is not None:
                    continue
                _train_step(plan, member, x, y, tracks, by_name, log_now, step, say,
                            monitors.get(member.name) if measure else None)
                for event in member.after_step(step, epoch) if member.after_step else ():
                    say(event)
            schedule.record(step, time.perf_counter() - step_start, measure)
            if log_now:
                elapsed = time.perf_counter() - t0
                dt = max(time.perf_counter() - window_start - eval_time, 1e-9)
                rate = window_steps * len(x) * len(trained) / dt
                done = time.perf_counter() - loop_start
                eta = done / step * (total - step)
                for member in plan.members:
                    _log_step(member, tracks[member.name], epoch, step, rate, elapsed, eta, say,
                              plan.classification)
                _log_pairs(pairs, tracks, step, plan.tolerance, say)
                window_start, window_steps, eval_time = time.perf_counter(), 0, 0.0
        if status == "stopped":
            break
        eval_start = time.perf_counter()
        _evaluate(plan, trained, epoch, step, eval_start - t0, tracks, say)
        if emit is not None and plan.histograms:
            _histograms(plan, trained, step, say)
        eval_time += time.perf_counter() - eval_start  # not training: kept out of samples/s
    summary = {name: dict(track.last, steps=step) for name, track in tracks.items()}
    comparisons = tuple({"reference": p.reference, "series": p.series, "max_abs_diff": p.max_abs,
                         "diverged_at": p.diverged_at, "tolerance": plan.tolerance,
                         "steps": step} for p in pairs)
    end = End(status=status, elapsed_s=time.perf_counter() - t0, steps=step, summary=summary,
              comparisons=comparisons, train_s=time.perf_counter() - loop_start,
              train_cpu_s=time.process_time() - cpu_start, symptoms=judge.summary())
    if status == "finished" and emit is not None and plan.after_training is not None:
        _send_after(plan.after_training, say)
        end = replace(end, elapsed_s=time.perf_counter() - t0)
    say(end)
    return end


def _send_after(after: Callable[[], Sequence[Event]], say: Emit) -> None:
    """The plan's closing events; if making them fails, a warning instead: the run itself
    finished, and its figures are already out."""
    try:
        events = after()
    except Exception as exc:  # noqa: BLE001 - never lose a finished run to its pictures
        say(Note(text=f"The pictures of the trained model could not be made: "
                      f"{type(exc).__name__}: {exc}", level="warning"))
        return
    for event in events:
        say(event)


def _train_step(plan: Plan, member: Member, x: torch.Tensor, y: torch.Tensor,
                tracks: dict[str, _Track], by_name: dict[str, Member], log_now: bool, step: int,
                say: Emit, monitor: HealthMonitor | None = None) -> None:
    assert member.optimizer is not None
    with monitor.probe.watch() if monitor is not None else nullcontext():
        out = member.model(x)
    loss = (member.loss_fn or plan.loss_fn)(out, y)
    # Shadows of this member see the same weights and batch, before the optimizer moves them.
    for shadow in by_name.values():
        if shadow.shadow is not None and shadow.shadow_of == member.name:
            with torch.no_grad():
                s_out = shadow.shadow(member.model, x)
                _record(tracks[shadow.name], plan.loss_fn(s_out, y), s_out, y, plan)
    member.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if log_now and member.grad_layers is not None:
        named = member.grad_layers(member.model)
        norms = torch.stack([w.grad.norm() if w.grad is not None else torch.zeros((), device=w.device)
                             for _, w in named]).tolist()
        say(GradNorms(series=member.name, step=step, layers=tuple(n for n, _ in named),
                      norms=tuple(float(v) for v in norms)))
    if monitor is not None:
        monitor.after_backward()
    member.optimizer.step()
    if monitor is not None:
        say(monitor.after_step(step, loss, out, plan.classification))
    _record(tracks[member.name], loss.detach(), out.detach(), y, plan)


def _histograms(plan: Plan, members: list[Member], step: int, say: Emit) -> None:
    probe = plan.train_x[:HISTOGRAM_PROBE]
    for member in members:
        event = activation_histograms(member.name, step, member.model, probe, plan.histograms)
        if event is not None:
            say(event)


def _record(track: _Track, loss: torch.Tensor, out: torch.Tensor, y: torch.Tensor,
            plan: Plan) -> None:
    track.losses.append(loss.detach().reshape(()))
    if plan.classification:
        track.correct.append((out.argmax(dim=1) == y).sum())
    track.seen += len(y)


def _log_step(member: Member, track: _Track, epoch: int, step: int, rate: float,
              elapsed: float, eta: float, say: Emit, classification: bool) -> None:
    if not track.losses:
        return
    per_step = torch.stack(track.losses).cpu().double().tolist()  # .cpu() first: no f64 on MPS
    track.last["per_step"] = per_step  # consumed by _log_pairs, then dropped
    loss = float(sum(per_step) / len(per_step))
    acc = None
    if classification and track.correct:
        acc = float(torch.stack(track.correct).sum().item()) / max(track.seen, 1)
    track.losses, track.correct, track.seen = [], [], 0
    track.last.update(loss=loss, train_acc_running=acc)
    say(Step(series=member.name, epoch=epoch, step=step, loss=loss, acc=acc,
             samples_per_s=rate, elapsed_s=elapsed, eta_s=eta))


def _log_pairs(pairs: list[_Pair], tracks: dict[str, _Track], step: int, tolerance: float,
               say: Emit) -> None:
    for pair in pairs:
        ref = tracks[pair.reference].last.get("per_step") or []
        mine = tracks[pair.series].last.get("per_step") or []
        first_step = step - len(ref) + 1
        for i, (a, b) in enumerate(zip(ref, mine)):
            diff = abs(a - b) if math.isfinite(a) and math.isfinite(b) else math.inf
            pair.last = diff
            pair.max_abs = max(pair.max_abs, diff)
            if pair.diverged_at is None and diff > tolerance * max(1.0, abs(a)):
                pair.diverged_at = first_step + i
        say(Compare(reference=pair.reference, series=pair.series, step=step, abs_diff=pair.last,
                    max_abs_diff=pair.max_abs, tolerance=tolerance, diverged_at=pair.diverged_at))
    for track in tracks.values():
        track.last.pop("per_step", None)


@torch.no_grad()
def _evaluate(plan: Plan, members: list[Member], epoch: int, step: int, elapsed: float,
              tracks: dict[str, _Track], say: Emit) -> None:
    for member in members:
        member.model.eval()
        train_loss, train_acc = _pass(plan, member.model, plan.train_x, plan.train_y)
        val_loss = val_acc = None
        if plan.val_x is not None and plan.val_y is not None:
            val_loss, val_acc = _pass(plan, member.model, plan.val_x, plan.val_y)
        member.model.train()
        tracks[member.name].last.update(train_loss=train_loss, train_acc=train_acc,
                                        val_loss=val_loss, val_acc=val_acc, epoch=epoch)
        say(Epoch(series=member.name, epoch=epoch, step=step, train_loss=train_loss,
                  train_acc=train_acc, val_loss=val_loss, val_acc=val_acc, elapsed_s=elapsed))


def _pass(plan: Plan, model: nn.Module, xs: torch.Tensor,
          ys: torch.Tensor) -> tuple[float, float | None]:
    total, correct = 0.0, 0
    for i in range(0, len(xs), EVAL_BATCH):  # a few big batches: one host sync each is fine
        out = model(xs[i:i + EVAL_BATCH])
        y = ys[i:i + EVAL_BATCH]
        total += float(plan.loss_fn(out, y).item()) * len(y)
        if plan.classification:
            correct += int((out.argmax(dim=1) == y).sum().item())
    return total / len(xs), (correct / len(xs) if plan.classification else None)
