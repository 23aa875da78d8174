"""Trusted check for pool_output_size: the width of torch.nn.functional.max_pool2d's output (or
its error, which the learner must raise as ValueError), with and without ceil_mode."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # w, k, s, p, ceil_mode, label   (s or p = "default", ceil_mode None: left out of the call)
        (224, 2, "default", "default", None, "224 wide, 2x2 pooling, stride defaults to k"),
        (5, 2, "default", "default", None,
         "all defaults (s = k, p = 0, floor): the odd last column is dropped"),
        (7, 3, 2, 1, False, "k 3, stride 2, padding 1"),
        (5, 2, 2, 0, False, "odd width: the floor drops the last column"),
        (6, 3, 1, 1, False, "overlapping windows, stride 1, padding 1"),
        (5, 2, 2, 0, True, "ceil_mode keeps the partial last window"),
        (6, 3, 2, 0, True, "ceil_mode, k 3, stride 2"),
        (9, 3, 2, 0, True, "ceil_mode, exact division: the same as floor"),
        (7, 2, "default", 0, True, "ceil_mode with the default stride"),
        (5, 2, 2, 1, True, "ceil_mode: a last window starting in the right padding is dropped"),
        # (out - 1)·s lies in [w - p, w + p): the last window starts on the last input pixel
        (6, 3, 2, 1, True, "ceil_mode, padding 1: the last window starts on the last pixel"),
        (8, 4, 3, 2, True, "ceil_mode, padding 2, stride 3: the last window is kept"),
        (2, 3, 2, 0, True, "ceil_mode: one window larger than the input"),
        (1, 1, "default", "default", None, "1 wide, k 1"),
        (9, 4, 3, 2, False, "padding exactly k/2 is allowed"),
        (2, 3, 1, 0, False, "kernel wider than the input: ValueError"),
        # w + 2p - k = -1 lies above -s: floor(-1/2) = -1, while int(-1/2) = 0 gives 1 window
        (2, 3, 2, 0, False, "kernel 1 wider than the input, stride 2: ValueError"),
        (2, 6, 1, 0, False, "kernel 3 times the input: ValueError (not a negative count)"),
        (1, 4, 1, 0, True, "ceil_mode, kernel much wider than the input: ValueError"),
        (8, 3, 1, 2, False, "padding larger than k/2: ValueError"),
        (8, 2, 0, 0, False, "stride 0: ValueError"),
        (6, 0, 1, 0, False, "kernel size 0: ValueError"),
        (6, 2, 1, -1, False, "negative padding: ValueError"),
    ]
    if hidden:
        for _ in range(24):
            k = int(rng.integers(1, 7))
            s = "default" if rng.random() < 0.25 else int(rng.integers(1, 5))
            p = int(rng.integers(0, k // 2 + 1)) if rng.random() < 0.85 else int(k // 2 + 1)
            w = int(rng.integers(1, 30))
            specs.append((w, k, s, p, bool(rng.random() < 0.5), f"random: w {w}, k {k}, "
                          f"s {s}, p {p}"))
    out = []
    for w, k, s, p, ceil_mode, label in specs:
        inputs = {"w": w, "k": k}
        if s != "default":
            inputs["s"] = s
        if p != "default":
            inputs["p"] = p
        if ceil_mode is not None:
            inputs["ceil_mode"] = ceil_mode
        out.append(Case(inputs, label=label))
    return out


def reference(w, k, s=None, p=0, ceil_mode=False):
    # A 1-pixel-high row of w pixels; pool over the width only (the height stays 1).
    x = torch.zeros(1, 1, 1, w, dtype=torch.float64)
    try:
        y = F.max_pool2d(x, (1, k), (1, k if s is None else s), (0, p), ceil_mode=ceil_mode)
    except RuntimeError as exc:  # PyTorch's invalid-size error: the learner raises ValueError
        raise ValueError(str(exc)) from None
    return int(y.shape[-1])
