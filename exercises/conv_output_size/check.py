"""Trusted check for conv_output_size: the output shape (or refusal) of torch's conv2d."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        Case({"w": 32, "f": 5}, label="defaults p=0, s=1"),
        Case({"w": 10, "f": 3, "p": 1}, label="padding 1, default stride s=1"),
        Case({"w": 9, "f": 4, "s": 2}, label="stride 2, default padding p=0 (floor)"),
        Case({"w": 7, "f": 3, "p": 0, "s": 2}, label="stride divides exactly"),
        Case({"w": 6, "f": 3, "p": 0, "s": 2}, label="stride leaves a remainder (floor)"),
        Case({"w": 8, "f": 3, "p": 1, "s": 3}, label="remainder with padding"),
        Case({"w": 5, "f": 3, "p": 1, "s": 1}, label="'same' padding"),
        Case({"w": 1, "f": 1, "p": 0, "s": 5}, label="1-wide input, big stride"),
        Case({"w": 3, "f": 5, "p": 1, "s": 1}, label="filter fits only thanks to padding"),
        Case({"w": 227, "f": 11, "p": 0, "s": 4}, label="AlexNet's first layer"),
        Case({"w": 3, "f": 5, "p": 0, "s": 1}, label="filter wider than the input"),
        # w + 2p < f <= w + 3p: padding counted 3 or 4 times instead of twice would let it fit
        Case({"w": 3, "f": 6, "p": 1, "s": 1}, label="filter 1 wider than the padded input"),
        # w + 2p - f = -1, above -s: truncating -1/3 toward zero gives 0 and one "window"
        Case({"w": 4, "f": 7, "p": 1, "s": 3}, label="filter 1 wider than the padded input, "
             "stride 3"),
        Case({"w": 5, "f": 3, "p": 0, "s": 0}, label="stride 0"),
        Case({"w": 5, "f": 3, "p": -1, "s": 1}, label="negative padding"),
        Case({"w": 5, "f": 0, "p": 0, "s": 1}, label="empty filter"),
        Case({"w": 0, "f": 1, "p": 1, "s": 1}, label="empty input"),
    ]
    n_random = 40 if hidden else 20
    for _ in range(n_random):
        p = int(rng.integers(0, 4))
        w = int(rng.integers(1, 65))
        f = int(rng.integers(1, w + 2 * p + 1))
        s = int(rng.integers(1, 6))
        out.append(Case({"w": w, "f": f, "p": p, "s": s}, label="random valid sizes"))
    if hidden:
        for _ in range(6):  # just too wide: f in (w + 2p, w + 4p + 1]
            p = int(rng.integers(1, 4))
            w = int(rng.integers(1, 20))
            f = int(rng.integers(w + 2 * p + 1, w + 4 * p + 2))
            out.append(Case({"w": w, "f": f, "p": p, "s": int(rng.integers(1, 4))},
                            label="random: filter just wider than the padded input"))
    return out


def reference(w: int, f: int, p: int = 0, s: int = 1) -> int:
    if min(w, f, s) < 1 or p < 0:
        raise ValueError("sizes must be positive and padding non-negative")
    try:
        y = F.conv2d(torch.zeros(1, 1, 1, w), torch.zeros(1, 1, 1, f), padding=(0, p),
                     stride=(1, s))
    except RuntimeError as exc:  # torch refuses: the filter does not fit
        raise ValueError(str(exc)) from None
    return int(y.shape[-1])
