"""Trusted check for causal_conv1d: torch.nn.functional.conv1d on the left-padded input, float64,
with several batch sizes, channel counts, kernel sizes and dilations."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # n, c_in, c_out, length, k, dilation (None: left out, so the default 1 is used), label
        (2, 3, 2, 8, 3, None, "kernel 3, dilation left at its default (1)"),
        (2, 2, 3, 10, 3, 2, "kernel 3, dilation 2"),
        (1, 1, 1, 9, 2, 4, "one channel, kernel 2, dilation 4, batch of 1"),
        (3, 2, 2, 7, 4, 1, "kernel 4, dilation 1"),
        (2, 3, 4, 6, 1, 1, "kernel 1: a per-step linear map"),
        (2, 2, 2, 5, 3, 3, "the dilated kernel reaches past the start for every step"),
        (1, 2, 1, 1, 3, 2, "a sequence of length 1"),
        (2, 4, 3, 12, 2, 3, "kernel 2, dilation 3, more channels"),
    ]
    if hidden:
        for _ in range(8):
            k = int(rng.integers(1, 5))
            d = int(rng.integers(1, 5))
            length = int(rng.integers(1, 14))
            specs.append((int(rng.integers(1, 4)), int(rng.integers(1, 5)),
                          int(rng.integers(1, 5)), length, k, None if d == 1 else d,
                          f"random: length {length}, kernel {k}, dilation {d}"
                          + (" (left at its default)" if d == 1 else "")))
    out = []
    for n, c_in, c_out, length, k, d, label in specs:
        inputs = {"x": rng.standard_normal((n, c_in, length)),
                  "w": rng.standard_normal((c_out, c_in, k)),
                  "b": rng.standard_normal(c_out)}
        if d is not None:
            inputs["dilation"] = d
        out.append(Case(inputs, label=label))
    return out


def reference(x, w, b, dilation=1):
    pad = (w.shape[-1] - 1) * dilation
    xp = F.pad(torch.tensor(x, dtype=torch.float64), (pad, 0))  # (left, right) of the time axis
    y = F.conv1d(xp, torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64),
                 dilation=dilation)
    return y.numpy()
