"""Trusted check for maxpool_backward: autograd through torch.nn.functional.max_pool2d in float64,
on random (tie-free) batches with overlapping, tiling and skipping windows."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # n, c, h, w, k, stride, label
        (2, 3, 4, 4, 2, 2, "2x2 windows, stride 2: tiles the map"),
        (2, 2, 5, 7, 2, 2, "odd sizes: the last row and column get no gradient"),
        (1, 2, 5, 6, 3, 1, "3x3 windows, stride 1: overlapping, shared winners add up"),
        (2, 2, 6, 5, 3, 2, "3x3 windows, stride 2: overlapping"),
        (2, 2, 4, 4, 2, 1, "2x2 windows, stride 1: overlapping"),
        (2, 2, 7, 8, 2, 3, "stride 3 larger than k 2: skipped pixels"),
        (3, 2, 3, 4, 1, 1, "k 1: the gradient passes straight through"),
        (1, 3, 4, 3, 3, 3, "one window as tall as the map"),
    ]
    if hidden:
        for _ in range(8):
            k = int(rng.integers(1, 5))
            stride = int(rng.integers(1, 5))
            h, w = (int(v) for v in rng.integers(k, 10, size=2))
            specs.append((int(rng.integers(1, 4)), int(rng.integers(1, 4)), h, w, k, stride,
                          f"random: {h}x{w}, k {k}, stride {stride}"))
    out = []
    for n, c, h, w, k, stride, label in specs:
        h_out, w_out = (h - k) // stride + 1, (w - k) // stride + 1
        # standard normal values: no ties (PyTorch's tie rule is stated, not tested)
        out.append(Case({"dout": rng.standard_normal((n, c, h_out, w_out)) * 2.0,
                         "x": rng.standard_normal((n, c, h, w)), "k": k, "stride": stride},
                        label=label))
    return out


def reference(dout, x, k, stride):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    F.max_pool2d(xt, k, stride).backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy()
