"""Trusted check for conv2d_backward: autograd through torch.nn.functional.conv2d in float64, on
random batches, channels, kernels, strides and paddings."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng, n, c_in, c_out, h, w, kh, kw, stride, padding, label):
    s, p = (1 if stride is None else stride), (0 if padding is None else padding)
    h_out = (h + 2 * p - kh) // s + 1
    w_out = (w + 2 * p - kw) // s + 1
    inputs = {
        "dout": rng.standard_normal((n, c_out, h_out, w_out)),
        "x": rng.standard_normal((n, c_in, h, w)),
        "w": rng.standard_normal((c_out, c_in, kh, kw)),
    }
    if stride is not None:  # None: left out of the call, the learner's default is used
        inputs["stride"] = stride
    if padding is not None:
        inputs["padding"] = padding
    return Case(inputs, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # n, c_in, c_out, h, w, kh, kw, stride, padding, label
        (2, 3, 2, 5, 5, 3, 3, 1, 0, "3x3 kernel, stride 1, no padding"),
        (2, 2, 3, 5, 6, 3, 3, 1, 1, "padding 1, non-square input"),
        (1, 2, 2, 7, 6, 3, 3, 2, 1, "stride 2, padding 1, batch of 1"),
        (2, 2, 2, 5, 7, 2, 3, 1, 0, "non-square 2x3 kernel"),
        (2, 2, 3, 8, 7, 3, 2, 3, 2, "stride 3, padding 2 (the floor skips pixels)"),
        (2, 1, 1, 6, 5, 3, 3, 2, 0, "one channel, stride 2: the last row and column get 0"),
        (3, 3, 2, 4, 5, 1, 1, 1, 0, "1x1 kernel"),
        (1, 2, 2, 4, 3, 4, 3, 1, 0, "kernel as large as the input: 1x1 output"),
        (2, 2, 1, 4, 4, 3, 3, 1, 2, "padding 2 on a 4x4 input"),
        (2, 2, 3, 5, 6, 3, 2, None, None, "stride and padding left out: defaults 1 and 0"),
        (2, 3, 2, 7, 6, 3, 3, 2, None, "stride 2, padding left out (default 0)"),
        (1, 2, 2, 4, 5, 3, 3, None, 1, "padding 1, stride left out (default 1)"),
    ]
    if hidden:
        for _ in range(8):
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            padding = int(rng.integers(0, 3))
            stride = int(rng.integers(1, 4))
            h = int(rng.integers(max(1, kh - 2 * padding), 9))
            w = int(rng.integers(max(1, kw - 2 * padding), 9))
            specs.append((int(rng.integers(1, 4)), int(rng.integers(1, 4)),
                          int(rng.integers(1, 4)), h, w, kh, kw, stride, padding,
                          f"random: stride {stride}, padding {padding}, {kh}x{kw} kernel on "
                          f"{h}x{w}"))
    return [_case(rng, *spec) for spec in specs]


def reference(dout, x, w, stride=1, padding=0):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    y.backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()
