"""Trusted check for maxpool_backward: autograd through torch.nn.functional.max_pool2d in float64,
on random batches with overlapping, tiling and skipping windows, and on maps with ties (PyTorch's
rule: the first maximum of each window in row-major order gets the gradient)."""

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
        out.append(Case({"dout": rng.standard_normal((n, c, h_out, w_out)) * 2.0,
                         "x": rng.standard_normal((n, c, h, w)), "k": k, "stride": stride},
                        label=label))
    # Ties: a window's maximum appears more than once. PyTorch routes dout to the first copy in
    # row-major order, which each window picks for itself (np.argmax of the flattened window).
    ties = [
        # x, k, stride, label
        (np.maximum(rng.standard_normal((2, 3, 6, 6)) - 0.5, 0.0), 2, 2,
         "after a ReLU: windows of zeros (ties)"),
        (np.maximum(rng.standard_normal((2, 2, 6, 7)) - 0.5, 0.0), 3, 1,
         "after a ReLU, overlapping 3x3 windows: ties"),
        (rng.integers(-2, 3, size=(2, 2, 7, 6)).astype(np.float64), 3, 2,
         "integer values: ties inside overlapping windows"),
        (np.full((1, 2, 4, 5), 1.5), 2, 1, "a constant map: every window is a tie"),
    ]
    if hidden:
        for _ in range(4):
            k, stride = int(rng.integers(2, 5)), int(rng.integers(1, 4))
            h, w = (int(v) for v in rng.integers(k, 10, size=2))
            ties.append((rng.integers(-1, 2, size=(2, 2, h, w)).astype(np.float64), k, stride,
                         f"random ties: {h}x{w}, k {k}, stride {stride}"))
    for x, k, stride, label in ties:
        n, c, h, w = x.shape
        h_out, w_out = (h - k) // stride + 1, (w - k) // stride + 1
        out.append(Case({"dout": rng.standard_normal((n, c, h_out, w_out)) * 2.0, "x": x,
                         "k": k, "stride": stride}, label=label))
    return out


def reference(dout, x, k, stride):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    F.max_pool2d(xt, k, stride).backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy()
