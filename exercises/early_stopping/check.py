"""Trusted check for early_stopping.

PyTorch has no early stopping, so the reference is plain Python, written differently from the
usual counter loop: it first lists every improving epoch, then finds the first epoch that lies
`patience` epochs after the last improvement before it. Losses sit on a 0.01 grid and min_delta
is never a multiple of 0.01, so no comparison lands on a rounding boundary (ties with
min_delta = 0 are exact equalities, which every formulation treats alike).

min_delta is an absolute margin below the best loss so far, and `best` moves only on an
improvement: the cases tell that apart from a relative margin (best·(1 − min_delta), the same
thing only when the losses are near 1) and from a `best` that follows every new minimum. Some
cases leave min_delta out, so the learner's default (0.0) is used."""

import numpy as np

from tutor.grading.kit import Case


def reference(val_losses, patience, min_delta=0.0):
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
    """min_delta None: left out of the inputs, so the learner's default is used."""
    inputs = {"val_losses": list(losses), "patience": patience}
    text = f"{len(losses)} epochs, patience={patience}"
    if min_delta is None:
        text += ", min_delta not passed"
    else:
        inputs["min_delta"] = min_delta
        text += f", min_delta={min_delta}"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case([0.90, 0.70, 0.65, 0.66, 0.64, 0.67, 0.68, 0.69], 3, min_delta=None,
              label="the lesson's worked run, with the default min_delta (0)"),
        _case([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 2, label="always improving: never stops"),
        _case([1.0, 0.8, 0.8, 0.8, 0.9, 0.7, 0.6], 3,
              label="ties with the best are not improvements"),
        _case([1.0, 0.5, 0.8, 0.7, 0.6, 0.55, 0.4], 3,
              label="falling again but not below the best"),
        _case([1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.4], 3,
              label="a better loss after the stop does not count"),
        _case([1.0, 0.99, 0.98, 0.995, 0.97, 0.99, 0.99], 2, min_delta=0.025,
              label="improvements smaller than min_delta do not count"),
        _case([1.0, 0.97, 0.94, 0.93, 0.92, 0.91], 3, min_delta=0.05,
              label="best stays 1.0 through 0.97 (not an improvement), so 0.94 is one"),
        _case([5.0, 4.98, 4.97, 4.96, 4.94, 4.90, 4.80], 3, min_delta=0.025,
              label="losses near 5: min_delta is absolute (best − 0.025), not relative"),
        _case([0.30, 0.29, 0.28, 0.27, 0.26, 0.25], 2, min_delta=0.015,
              label="losses near 0.3: min_delta is absolute (best − 0.015), not relative"),
        _case([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 2, min_delta=None,
              label="a flat curve, with the default min_delta (0)"),
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
                             min_delta=[None, 0.0, 0.005, 0.015, 0.025][int(rng.integers(0, 5))]))
        out.append(_case([2.0, 1.0, 1.0, 1.0, 1.0], 4, label="ties until the very end"))
        out.append(_case([0.7, 0.6], -1, label="negative patience: raise ValueError"))
    return out
