"""Trusted check for dropout_forward: the mask comes from the given uniform sample u.

The reference builds the same computation with torch ops: the mask u >= p, and the scale that
torch's own F.dropout gives a kept element (read off F.dropout applied to a tensor of ones). For
p = 1 it returns F.dropout's own answer (zeros) and in evaluation nn.Dropout(p).eval()'s output."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _torch_keep_scale(p: float) -> float:
    """The value F.dropout gives a kept 1.0 in training, i.e. torch's 1 / (1 - p)."""
    gen_state = torch.get_rng_state()
    try:
        torch.manual_seed(0)
        y = F.dropout(torch.ones(4096, dtype=torch.float64), p=p, training=True)
    finally:
        torch.set_rng_state(gen_state)
    kept = y[y != 0]
    scale = float(kept[0])
    assert torch.all(kept == scale) and abs(scale * (1.0 - p) - 1.0) < 1e-12
    return scale


def reference(x, p, train, u):
    # u is a uniform draw in [0, 1) (the README's contract): outside it there is no right answer,
    # so the reference refuses; the cases never pass one, and `validate --mutants` then drops
    # its x10^4-scaled variants of u instead of judging mutants on impossible input
    if np.size(u) and (np.min(u) < 0 or np.max(u) >= 1):
        raise ValueError("u must lie in [0, 1)")
    t = torch.tensor(x, dtype=torch.float64)
    if not train:
        return torch.nn.Dropout(p).eval()(t).numpy()
    if p == 1.0:
        return F.dropout(t, p=1.0, training=True).numpy()
    keep = torch.tensor(u, dtype=torch.float64) >= p
    return torch.where(keep, t * _torch_keep_scale(p), torch.zeros_like(t)).numpy()


def _case(rng, shape, p, train, ties=False, scale=3.0, label=""):
    x = rng.standard_normal(shape) * scale
    u = rng.random(shape)
    if ties and u.size:
        tie = rng.random(shape) < 0.3
        tie.flat[0] = True
        u[tie] = p                           # exactly p: these are KEPT (u >= p)
    mode = "train" if train else "eval"
    text = f"shape {shape}, p={p}, {mode}"
    return Case({"x": x, "p": p, "train": train, "u": u},
                label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (10,), 0.5, True),
        _case(rng, (4, 6), 0.2, True, ties=True, label="some u exactly equal to p"),
        _case(rng, (2, 3, 4), 0.75, True),
        _case(rng, (3, 5), 0.5, False, label="evaluation: the identity"),
        _case(rng, (2, 2, 3), 0.9, False, label="evaluation with a large p"),
        _case(rng, (6,), 0.0, True, ties=True, label="p = 0 keeps everything"),
        _case(rng, (3, 4), 1.0, True, label="p = 1 drops everything: zeros, not NaN"),
        _case(rng, (2, 3), 1.0, False, label="p = 1 in evaluation is still the identity"),
        _case(rng, (1, 5), 0.3, True, label="batch of 1"),
    ]
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([0.1, 0.25, 0.5, 0.6, 0.95])),
                             bool(rng.random() < 0.75), ties=bool(rng.random() < 0.5),
                             scale=float(rng.choice([0.01, 1.0, 1000.0]))))
        out.append(_case(rng, (5, 1), 0.0, False, label="p = 0, evaluation"))
    return out
