"""Which of the learner's pieces made their run part from PyTorch's.

The loop compares the two runs' losses step by step (`Plan.compare`), which says *when* they part
but not *why*: once one piece is off, every later value is. So each swapped-in piece is also
checked on its own, at every training step, against PyTorch's version of it **on the very inputs
it was given** (the learner's conv2d_backward gets dout, x and w from the learner's run, and so
does PyTorch's gradient it is compared with). A piece downstream of a wrong one therefore still
matches, and the first piece to differ beyond float rounding is the culprit, named with the step,
the epoch and the size of the difference:

    Step 1 (epoch 1): your conv2d_backward's dw differs from PyTorch's on the same inputs by
    3.1e-02 (2.4 % of its largest value) ...

The wrappers (`tutor.training.mine_layers`, `MineOptimizer`) call `compare` while they train;
the loop calls `after_step` after each step of the learner's member (`Member.after_step`) and
emits the notes it returns. Checking costs one PyTorch op per piece per step (small beside the
learner's numpy loops).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from tutor.training.events import Event, Note

#: a piece departs when max|mine − PyTorch's| exceeds this fraction of max|PyTorch's| on one
#: step: float64 sums in another order differ by ~1e-15 relative (a batch's dW sums ~50,000
#: products: ~1e-13), while a real mistake is off by far more than 1e-8 somewhere
PIECE_RTOL = 1e-8


@dataclass(frozen=True)
class Departure:
    """A piece that differed from PyTorch's on the same inputs: the first step it did."""

    piece: str  #: "conv2d_backward's dw"
    step: int
    epoch: int
    abs_diff: float
    rel_diff: float  #: abs_diff / max|PyTorch's|


def _numpy(value: np.ndarray | torch.Tensor) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


@dataclass
class Probe:
    """Collects each piece's worst difference from PyTorch's during a step; reports the pieces
    that depart, once each, after the step (see the module docstring)."""

    rtol: float = PIECE_RTOL
    departed: dict[str, Departure] = field(default_factory=dict)
    #: the worst (abs, rel) difference of each piece over the whole run so far
    worst: dict[str, tuple[float, float]] = field(default_factory=dict)
    _step: dict[str, tuple[float, float]] = field(default_factory=dict)
    _steps_seen: int = 0

    def compare(self, exercise: str, output: str, mine: np.ndarray | torch.Tensor,
                reference: np.ndarray | torch.Tensor) -> None:
        """Record how far the learner's `output` of `exercise` is from PyTorch's `reference`."""
        a, b = _numpy(mine), _numpy(reference)
        name = f"{exercise}'s {output}" if output else exercise
        if a.shape != b.shape:
            diff, rel = float("inf"), float("inf")
        elif a.size == 0:
            diff, rel = 0.0, 0.0
        else:
            diff = float(np.max(np.abs(a - b)))
            scale = float(np.max(np.abs(b)))
            rel = diff / scale if scale > 0 else (0.0 if diff == 0 else float("inf"))
        old = self._step.get(name, (0.0, 0.0))
        self._step[name] = (max(old[0], diff), max(old[1], rel))

    def after_step(self, step: int, epoch: int) -> list[Event]:
        """Notes for this step: on the first, what was checked; then each piece that departs
        from PyTorch's for the first time, the largest difference first."""
        notes: list[Event] = []
        fresh: list[Departure] = []
        first_ever = not self.departed
        for name, (diff, rel) in self._step.items():
            old = self.worst.get(name, (0.0, 0.0))
            self.worst[name] = (max(old[0], diff), max(old[1], rel))
            if rel > self.rtol and name not in self.departed:
                self.departed[name] = departure = Departure(name, step, epoch, diff, rel)
                fresh.append(departure)
        checked = sorted(self._step)
        self._step = {}
        self._steps_seen += 1
        if self._steps_seen == 1 and checked and not fresh:
            largest = max(self.worst[n][1] for n in checked)
            notes.append(Note(
                text=f"Step {step}: each of your pieces matched PyTorch's on the very same "
                     f"inputs ({', '.join(checked)}; largest relative difference "
                     f"{largest:.1e}). They are checked like this at every step."))
        for i, d in enumerate(sorted(fresh, key=lambda d: -d.rel_diff)):
            lead = ("first" if first_ever and i == 0 else "also" if first_ever else "later")
            notes.append(Note(text=departure_text(d, lead), level="warning"))
        return notes

    def culprit(self) -> Departure | None:
        """The first piece that departed (the largest difference among the first ones)."""
        if not self.departed:
            return None
        return min(self.departed.values(), key=lambda d: (d.step, -d.rel_diff))


#: how a departure is placed among the others: the first (the likeliest cause of any difference
#: between the runs from there on), another at that same step, or one after an earlier one
LEADS = {
    "first": "the first of your pieces to part from PyTorch's, so the likeliest cause of any "
             "difference between the runs from here on",
    "also": "at the same step as the one above",
    "later": "after an earlier piece of yours had parted",
}


def departure_text(d: Departure, lead: str = "first") -> str:
    rel = f"{d.rel_diff:.1%}" if d.rel_diff < 10 else f"{d.rel_diff:.3g}×"
    return (f"Step {d.step} (epoch {d.epoch}): your {d.piece} differs from PyTorch's on the "
            f"very same inputs by {d.abs_diff:.2g} ({rel} of its largest value): {LEADS[lead]}.")
