"""Trusted check for maxpool_forward: torch.nn.functional.max_pool2d on random batches, window
sizes and strides (overlapping, tiling and skipping), with all-negative windows and ties."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # n, c, h, w, k, stride, label
        (2, 3, 4, 4, 2, 2, "2x2 windows, stride 2: tiles the map"),
        (2, 2, 5, 7, 2, 2, "odd sizes: the floor drops the last row and column"),
        (1, 2, 5, 6, 3, 1, "3x3 windows, stride 1: overlapping"),
        (2, 1, 6, 5, 3, 2, "3x3 windows, stride 2: overlapping"),
        (2, 2, 7, 8, 2, 3, "stride 3 larger than k 2: skipped pixels"),
        (3, 2, 3, 4, 1, 1, "k 1: the identity"),
        (1, 3, 4, 3, 3, 3, "one window as tall as the map"),
        (1, 1, 4, 4, 4, 1, "global max pooling of one map"),
    ]
    if hidden:
        for _ in range(8):
            k = int(rng.integers(1, 5))
            stride = int(rng.integers(1, 5))
            h, w = (int(v) for v in rng.integers(k, 10, size=2))
            specs.append((int(rng.integers(1, 4)), int(rng.integers(1, 4)), h, w, k, stride,
                          f"random: {h}x{w}, k {k}, stride {stride}"))
    out = [Case({"x": rng.standard_normal((n, c, h, w)), "k": k, "stride": stride}, label=label)
           for n, c, h, w, k, stride, label in specs]
    # every value negative: a running max that starts at 0 shows
    out.append(Case({"x": -np.abs(rng.standard_normal((2, 2, 5, 5))) - 0.1, "k": 2, "stride": 1},
                    label="all values negative"))
    # ties: the maximum appears several times in a window (the value is the same whichever
    # copy wins; PyTorch's index is the first in row-major order)
    out.append(Case({"x": np.maximum(rng.standard_normal((2, 3, 6, 6)) - 0.5, 0.0), "k": 2,
                     "stride": 2}, label="after a ReLU: windows of zeros (ties)"))
    out.append(Case({"x": rng.integers(-2, 3, size=(2, 2, 6, 7)).astype(np.float64), "k": 3,
                     "stride": 1}, label="integer values: ties inside overlapping windows"))
    return out


def reference(x, k, stride):
    return F.max_pool2d(torch.tensor(x, dtype=torch.float64), k, stride).numpy()
