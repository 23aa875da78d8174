"""Trusted check for conv_as_matmul: PyTorch builds M column by column, as conv2d of each one-hot
basis image, for square and non-square kernels and inputs, strides and paddings."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _kernel(rng, kh, kw):
    # no zero weights, and no symmetry: a flipped or misplaced kernel always shows
    w = rng.standard_normal((kh, kw))
    return w + np.sign(w)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # kh, kw, in_h, in_w, stride, padding, label
        (2, 2, 3, 3, 1, 0, "2x2 kernel on 3x3, as in the lecture"),
        (3, 3, 4, 5, 1, 1, "3x3 kernel, padding 1, non-square input"),
        (2, 3, 5, 4, 1, 0, "non-square 2x3 kernel"),
        (3, 2, 6, 5, 2, 1, "stride 2, padding 1, 3x2 kernel"),
        (2, 2, 7, 6, 3, 2, "stride 3, padding 2: some rows see only padding"),
        (1, 1, 3, 4, 1, 0, "1x1 kernel: a scaled identity"),
        (1, 1, 5, 3, 2, 0, "1x1 kernel with stride 2"),
        (3, 4, 3, 4, 1, 0, "kernel as large as the input: one row"),
        (2, 2, 1, 1, 1, 1, "1x1 input with padding 1"),
        (3, 3, 5, 5, 2, 0, "stride 2 without padding"),
        (2, 3, 4, 5, None, None, "stride and padding left out: defaults 1 and 0"),
        (3, 2, 5, 4, 2, None, "stride 2, padding left out (default 0)"),
        (2, 2, 3, 4, None, 1, "padding 1, stride left out (default 1)"),
    ]
    if hidden:
        for _ in range(10):
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            padding = int(rng.integers(0, 3))
            stride = int(rng.integers(1, 4))
            in_h = int(rng.integers(max(1, kh - 2 * padding), 8))
            in_w = int(rng.integers(max(1, kw - 2 * padding), 8))
            specs.append((kh, kw, in_h, in_w, stride, padding,
                          f"random: {kh}x{kw} kernel on {in_h}x{in_w}, stride {stride}, "
                          f"padding {padding}"))
    out = []
    for kh, kw, in_h, in_w, stride, padding, label in specs:
        inputs = {"w": _kernel(rng, kh, kw), "in_h": in_h, "in_w": in_w}
        if stride is not None:  # None: left out of the call, the learner's default is used
            inputs["stride"] = stride
        if padding is not None:
            inputs["padding"] = padding
        out.append(Case(inputs, label=label))
    return out


def reference(w, in_h, in_w, stride=1, padding=0):
    n_in = in_h * in_w
    # The batch of all one-hot images e_j, shape (n_in, 1, in_h, in_w): column j of M is conv(e_j).
    basis = torch.eye(n_in, dtype=torch.float64).reshape(n_in, 1, in_h, in_w)
    kernel = torch.tensor(w, dtype=torch.float64)[None, None]
    cols = F.conv2d(basis, kernel, stride=stride, padding=padding)  # (n_in, 1, out_h, out_w)
    return cols.reshape(n_in, -1).T.contiguous().numpy()
