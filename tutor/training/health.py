"""Training-health numbers, measured inside the run process on the step being trained: the
gradient norm and the update/weight ratio of every weight tensor, the fraction of dead ReLUs and of
saturated tanh/sigmoid outputs, and the batch loss beside ln C. They become a `Health` event of
plain numbers; what they mean (a symptom, its cause, the lesson) is decided elsewhere, without
torch (`tutor.training.symptoms`).

Measuring costs a few extra kernels, a copy of the weights and one host sync, so it happens on
step 1 (the initial weights) and then every `HealthSchedule.every` steps: at most about
`HEALTH_POINTS` times a run, and rarer still when the measured cost would exceed `OVERHEAD` of the
training time (`benchmarks/train_health_overhead.py` measures it).

Activations are found by module type, not by position, so the learner's own ReLU
(`tutor.training.mine_layers.MineReLU`) is measured like `nn.ReLU`; the hooks are registered only for
the measured forward pass and removed after it, so other steps pay nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn

from tutor.training.events import Health, Histograms

SATURATED = 0.97  #: tanh |y| above this, sigmoid y below 1 - this or above it: slope about 0
OVERHEAD = 0.03  #: the share of training time the measurements aim at (measured: under 5 %)
HEALTH_POINTS = 60  #: at most about this many measurements of each series in a run


def activation_kind(module: nn.Module) -> str | None:
    """"relu", "tanh" or "sigmoid" for an activation module (any class named like one, so the
    learner's MineReLU too), else None. Leaky variants are not "relu": they never die."""
    if isinstance(module, (nn.ReLU, nn.ReLU6)):
        return "relu"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    name = type(module).__name__.lower()
    if name.endswith("relu") and not any(k in name for k in ("leaky", "prelu", "rrelu")):
        return "relu"
    if name.endswith("tanh") and "hard" not in name:
        return "tanh"
    if name.endswith("sigmoid") and "hard" not in name:
        return "sigmoid"
    return None


def weight_layers(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The weight matrices and kernels (parameters of two or more dimensions), in definition order
    (input to output for our models), named by their module's path ("net.0", "lstm.weight_hh_l0")."""
    return [(name.removesuffix(".weight"), p) for name, p in model.named_parameters()
            if p.dim() >= 2 and p.requires_grad]


def dead_units(out: torch.Tensor) -> tuple[torch.Tensor, int]:
    """(how many units are dead, how many units): a unit is one position of the output beyond the
    batch dimension, dead when it is 0 (or below) for every example of the batch."""
    flat = out.detach().reshape(out.shape[0], -1)
    units = flat.shape[1]
    return units - flat.gt(0).any(dim=0).sum(), units


def saturated_count(out: torch.Tensor, kind: str) -> tuple[torch.Tensor, int]:
    """(how many outputs are saturated, how many outputs) for tanh or sigmoid."""
    y = out.detach()
    if kind == "tanh":
        hit = y.abs() > SATURATED
    else:
        hit = (y < 1 - SATURATED) | (y > SATURATED)
    return hit.sum(), y.numel()


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass
class _Seen:
    """What the hooks saw of one activation module in the measured pass (device tensors)."""

    bad: list[torch.Tensor] = field(default_factory=list)
    total: int = 0


class ActivationProbe:
    """Forward hooks on a model's activation modules, armed only inside `watch()`."""

    def __init__(self, model: nn.Module) -> None:
        self.modules = [(name or type(m).__name__, m, kind) for name, m in model.named_modules()
                        if (kind := activation_kind(m)) is not None]
        self.seen: list[_Seen] = []
        self.outputs: list[list[torch.Tensor]] = []  #: per module, with `keep`

    @contextmanager
    def watch(self, keep: bool = False) -> Iterator[ActivationProbe]:
        """Record dead/saturated counts (and, with `keep`, the outputs) of one forward pass."""
        self.seen = [_Seen() for _ in self.modules]
        self.outputs = [[] for _ in self.modules]
        handles = []
        for i, (_, module, kind) in enumerate(self.modules):
            def hook(mod: nn.Module, args: object, out: torch.Tensor, i: int = i,
                     kind: str = kind) -> None:
                if not isinstance(out, torch.Tensor) or out.dim() == 0:
                    return
                bad, total = dead_units(out) if kind == "relu" else saturated_count(out, kind)
                self.seen[i].bad.append(bad)
                self.seen[i].total += total
                if keep:
                    self.outputs[i].append(out.detach())
            handles.append(module.register_forward_hook(hook))
        try:
            yield self
        finally:
            for handle in handles:
                handle.remove()

    def counts(self) -> tuple[list[torch.Tensor], list[int]]:
        """Per module: its dead or saturated count (a device tensor) and the number of units or
        outputs it was out of (0: the module was not called in the pass)."""
        bad = [torch.stack(s.bad).sum() if s.bad else torch.zeros(()) for s in self.seen]
        return bad, [s.total for s in self.seen]


class HealthMonitor:
    """One member's measurements: `probe.watch()` around the forward pass, `after_backward()`
    before the optimizer steps, `after_step()` after it, which returns the Health event."""

    def __init__(self, series: str, model: nn.Module) -> None:
        self.series = series
        self.model = model
        self.layers = weight_layers(model)
        self.probe = ActivationProbe(model)
        self._grads: torch.Tensor | None = None
        self._before: list[torch.Tensor] = []

    def after_backward(self) -> None:
        """Gradient norms now (they are gone after zero_grad), and a copy of the weights to
        measure the update against."""
        if not self.layers:
            return
        grads = [p.grad.detach() if p.grad is not None else torch.zeros_like(p)
                 for _, p in self.layers]
        self._grads = torch.stack(torch._foreach_norm(grads))
        self._before = [p.detach().clone() for _, p in self.layers]

    def after_step(self, step: int, loss: torch.Tensor, out: torch.Tensor,
                   classification: bool) -> Health:
        """The Health event of this step: everything moves to the host in one transfer."""
        n = len(self.layers)
        parts = [loss.detach().reshape(1).float()]
        if self._grads is not None:
            ratios = update_ratios(self._before, [p for _, p in self.layers])
            parts += [self._grads.float(), ratios.float()]
        bad, totals = self.probe.counts()
        parts += [b.reshape(1).float().to(parts[0].device) for b in bad]
        numbers = torch.cat(parts).cpu().double().tolist()  # .cpu() first: no f64 on MPS
        loss_value, numbers = numbers[0], numbers[1:]
        measured = self._grads is not None
        grads, raw = (numbers[:n], numbers[n:2 * n]) if measured else ([], [])
        bad_counts = numbers[2 * n:] if measured else numbers
        self._grads, self._before = None, []
        kinds = [kind for _, _, kind in self.probe.modules]
        classes = out.shape[1] if classification and out.dim() >= 2 else 0

        def overall(*wanted: str) -> float | None:
            pairs = [(b, t) for b, t, k in zip(bad_counts, totals, kinds) if k in wanted and t]
            return _finite(sum(b for b, _ in pairs) / sum(t for _, t in pairs)) if pairs else None

        return Health(
            series=self.series, step=step, loss=_finite(loss_value),
            chance_loss=math.log(classes) if classes > 1 else None,
            layers=tuple(name for name, _ in self.layers),
            grad_norms=tuple(_finite(v) for v in grads),
            update_ratios=tuple(math.log10(v) if math.isfinite(v) and v > 0 else None
                                for v in raw),
            dead_relu=overall("relu"), saturation=overall("tanh", "sigmoid"),
            activations=tuple(name for name, _, _ in self.probe.modules), act_kinds=tuple(kinds),
            act_values=tuple(_finite(b / t) if t else None for b, t in zip(bad_counts, totals)))


def update_ratios(before: list[torch.Tensor], after: list[torch.Tensor]) -> torch.Tensor:
    """‖θ_after − θ_before‖ / ‖θ_before‖ per tensor, on the device (inf where a tensor of zeros
    moved, NaN where it did not or where the weights are not finite)."""
    if not before:
        return torch.zeros(0)
    moved = torch._foreach_sub([a.detach() for a in after], before)
    return torch.stack(torch._foreach_norm(moved)) / torch.stack(torch._foreach_norm(before))


class HealthSchedule:
    """When to measure: step 1 (the initial weights), then every `every` steps. `every` starts at
    total/HEALTH_POINTS and is raised whenever a measurement cost more than OVERHEAD of the
    steps between two of them (the cost: a measured step's time minus a usual step's)."""

    def __init__(self, total_steps: int) -> None:
        self.base = max(1, math.ceil(total_steps / HEALTH_POINTS))
        self.every = self.base
        self.next = 1
        self._step_s: float | None = None  #: a usual step's seconds (running average)

    def due(self, step: int) -> bool:
        return step >= self.next

    def record(self, step: int, seconds: float, measured: bool) -> None:
        """Time of step `step` (all members); sets the next measurement after a measured one."""
        if not measured:
            self._step_s = seconds if self._step_s is None else 0.9 * self._step_s + 0.1 * seconds
            return
        if self._step_s is not None and self._step_s > 0:
            cost = max(0.0, seconds - self._step_s)
            self.every = max(self.base, math.ceil(cost / (OVERHEAD * self._step_s)))
        self.next = step + self.every


def activation_histograms(series: str, step: int, model: nn.Module, x: torch.Tensor,
                          bins: int) -> Histograms | None:
    """Histograms of every activation layer's outputs on the batch `x` (no gradient), on one
    range for all layers of the model so they compare: [-1, 1] for tanh, [0, 1] for sigmoid,
    [0, largest] for ReLU (a layer's spread then shows against the widest layer). None when the
    model has no activation modules."""
    probe = ActivationProbe(model)
    if not probe.modules:
        return None
    was_training = model.training
    model.eval()
    with torch.no_grad(), probe.watch(keep=True):
        model(x)
    model.train(was_training)
    outs = [torch.cat([o.reshape(-1) for o in outs]).double() if outs else torch.zeros(1)
            for outs in probe.outputs]
    kinds = {kind for _, _, kind in probe.modules}
    finite = [o[torch.isfinite(o)] for o in outs]
    if kinds == {"tanh"}:
        lo, hi = -1.0, 1.0
    elif kinds == {"sigmoid"}:
        lo, hi = 0.0, 1.0
    else:
        lo = min([0.0, *(float(o.min()) for o in finite if o.numel())])
        hi = max([1e-12, *(float(o.max()) for o in finite if o.numel())])
    counts = []
    for o in finite:
        counts.append(tuple(int(c) for c in torch.histc(o.clamp(lo, hi), bins=bins, min=lo,
                                                         max=hi).tolist()))
    stds = tuple(_finite(float(o.std())) if o.numel() > 1 else None for o in finite)
    return Histograms(series=series, step=step, layers=tuple(n for n, _, _ in probe.modules),
                      lo=lo, hi=hi, counts=tuple(counts), stds=stds)
