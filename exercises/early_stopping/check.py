"""Trusted check for early_stopping.

PyTorch has no early stopping, so the reference is plain Python, written differently from the
usual counter loop: it first lists every improving epoch, then finds the first epoch that lies
`patience` epochs after the last improvement before it. Losses sit on a 0.01 grid and min_delta
is never a multiple of 0.01, so no comparison lands on a rounding boundary (ties with
min_delta = 0 are exact equalities, which every formulation treats alike)."""

import numpy as np

from tutor.grading.kit import Case


def reference(val_losses, patience, min_delta):
    n = len(val_losses)
    if n == 0:
        raise ValueError("val_losses is empty")
    if patience < 1:
        raise ValueError("patience must be at least 1")
    improving = []                           # epochs that beat the best so far by > min_delta
    best = float("inf")
    for e in range(n):
        if val_losses[e] < best - min_delta:
            improving.append(e)
            best = val_losses[e]
    stop = n - 1
    for e in range(n):
        last = max(i for i in improving if i <= e)   # epoch 0 always improves
        if e - last == patience:
            stop = e
            break
    return stop, max(i for i in improving if i <= stop)


def _curve(rng, n, noise):
    """A typical validation curve: falls, flattens, then creeps up, with noise, on a 0.01 grid."""
    e = np.arange(n)
    base = 0.3 + 1.2 / (1 + 0.5 * e) + 0.015 * np.maximum(e - n / 2, 0)
    return [round(float(v), 2) for v in base + noise * rng.standard_normal(n)]


def _case(losses, patience, min_delta=0.0, label=""):
    text = f"{len(losses)} epochs, patience={patience}, min_delta={min_delta}"
    return Case({"val_losses": list(losses), "patience": patience, "min_delta": min_delta},
                label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case([0.90, 0.70, 0.65, 0.66, 0.64, 0.67, 0.68, 0.69], 3,
              label="the lesson's worked run"),
        _case([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 2, label="always improving: never stops"),
        _case([1.0, 0.8, 0.8, 0.8, 0.9, 0.7, 0.6], 3,
              label="ties with the best are not improvements"),
        _case([1.0, 0.5, 0.8, 0.7, 0.6, 0.55, 0.4], 3,
              label="falling again but not below the best"),
        _case([1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.4], 3,
              label="a better loss after the stop does not count"),
        _case([1.0, 0.99, 0.98, 0.995, 0.97, 0.99, 0.99], 2, min_delta=0.025,
              label="improvements smaller than min_delta do not count"),
        _case([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 2, label="a flat curve"),
        _case([0.3], 1, label="a single epoch"),
        _case(_curve(rng, 20, 0.03), 4, label="a noisy curve"),
        _case(_curve(rng, 15, 0.05), 1, min_delta=0.005, label="patience 1"),
        _case([], 2, label="no epochs: raise ValueError"),
        _case([0.9, 0.8], 0, label="patience 0: raise ValueError"),
    ]
    if hidden:
        for _ in range(10):
            n = int(rng.integers(1, 30))
            out.append(_case(_curve(rng, n, float(rng.choice([0.0, 0.01, 0.04, 0.1]))),
                             int(rng.integers(1, 7)),
                             min_delta=float(rng.choice([0.0, 0.0, 0.005, 0.015, 0.025]))))
        out.append(_case([2.0, 1.0, 1.0, 1.0, 1.0], 4, label="ties until the very end"))
        out.append(_case([0.7, 0.6], -1, label="negative patience: raise ValueError"))
    return out
