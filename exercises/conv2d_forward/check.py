"""Trusted check for conv2d_forward: random batches, channels, kernels, strides and paddings,
compared with torch.nn.functional.conv2d in float64."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng, n, c_in, c_out, h, w, kh, kw, stride, padding, label, scale=1.0):
    inputs = {
        "x": rng.standard_normal((n, c_in, h, w)) * scale,
        "w": rng.standard_normal((c_out, c_in, kh, kw)),
        "b": rng.standard_normal(c_out) + np.sign(rng.standard_normal(c_out)),  # never ~0
    }
    if stride is not None:  # None: left out of the call, the learner's default is used
        inputs["stride"] = stride
    if padding is not None:
        inputs["padding"] = padding
    return Case(inputs, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    # Padded cases keep C_in >= 2 so that padding the channel axis by mistake always shows.
    specs = [
        # n, c_in, c_out, h, w, kh, kw, stride, padding, label
        (2, 3, 4, 5, 5, 3, 3, 1, 0, "3x3 kernel, stride 1, no padding"),
        (2, 2, 3, 5, 6, 3, 3, 1, 1, "'same' padding 1, non-square input"),
        (1, 3, 2, 7, 6, 3, 3, 2, 1, "stride 2, padding 1, batch of 1"),
        (2, 2, 2, 5, 7, 2, 3, 1, 0, "non-square 2x3 kernel"),
        (2, 2, 3, 8, 6, 3, 2, 3, 2, "stride 3, padding 2, 3x2 kernel (the floor drops a row)"),
        (3, 4, 2, 4, 5, 1, 1, 2, 0, "1x1 kernel, stride 2"),
        (1, 1, 1, 4, 3, 4, 3, 1, 0, "kernel as large as the input: 1x1 output"),
        (2, 1, 1, 6, 5, 3, 3, 2, 0, "one channel in and out, stride 2 (floor)"),
        (1, 2, 3, 3, 3, 5, 5, 1, 1, "kernel larger than the input, padding makes it fit"),
        (2, 2, 3, 5, 6, 3, 2, None, None, "stride and padding left out: defaults 1 and 0"),
        (1, 3, 2, 6, 6, 2, 2, 2, None, "stride 2, padding left out (default 0)"),
        (2, 2, 2, 4, 5, 3, 3, None, 1, "padding 1, stride left out (default 1)"),
    ]
    if hidden:
        for _ in range(8):
            kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
            padding = int(rng.integers(0, 3))
            stride = int(rng.integers(1, 4))
            h = int(rng.integers(max(1, kh - 2 * padding), 9))
            w = int(rng.integers(max(1, kw - 2 * padding), 9))
            c_in = int(rng.integers(2 if padding else 1, 5))
            specs.append((int(rng.integers(1, 4)), c_in, int(rng.integers(1, 5)), h, w, kh, kw,
                          stride, padding, f"random: stride {stride}, padding {padding}, "
                          f"{kh}x{kw} kernel on {h}x{w}"))
    out = [_case(rng, *spec) for spec in specs]
    out.append(_case(rng, 2, 3, 2, 6, 6, 3, 3, 2, 1, "large inputs (x ~ 1e3)", scale=1e3))
    return out


def reference(x, w, b, stride=1, padding=0):
    y = F.conv2d(torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64),
                 torch.tensor(b, dtype=torch.float64), stride=stride, padding=padding)
    return y.numpy()
