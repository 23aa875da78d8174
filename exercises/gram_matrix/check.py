"""Trusted check for gram_matrix: G = F Fᵀ / (C·H·W), as in the PyTorch neural style transfer
tutorial (batch of 1), computed with torch.mm in float64."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng, c, h, w, *, scale=1.0, relu=False, label=""):
    f = rng.standard_normal((c, h, w)) * scale
    if relu:
        f = np.maximum(f, 0.0)  # feature maps after a ReLU: non-negative, many exact zeros
    return Case({"features": f}, label=label or f"C={c}, H={h}, W={w}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, 4, 5),
        _case(rng, 4, 2, 6, relu=True, label="C=4, H=2, W=6, after a ReLU (non-negative)"),
        _case(rng, 1, 3, 3, label="one channel (C=1)"),
        _case(rng, 5, 1, 1, label="1x1 spatial size"),
        _case(rng, 2, 7, 3, label="C=2, H=7, W=3 (tall)"),
        _case(rng, 6, 3, 2, scale=10.0, label="C=6 = H*W, large activations"),
        _case(rng, 8, 2, 2, relu=True),
    ]
    if hidden:
        for _ in range(8):
            c, h, w = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, c, h, w, relu=bool(rng.random() < 0.5),
                             scale=float(rng.choice([0.5, 1.0, 5.0]))))
    return out


def reference(features):
    # The tutorial's gram_matrix: view (a*b, c*d), mm with its transpose, divide by a*b*c*d.
    t = torch.from_numpy(features).unsqueeze(0)   # (1, C, H, W), as the tutorial's input
    a, b, c, d = t.size()
    flat = t.view(a * b, c * d)
    return torch.mm(flat, flat.t()).div(a * b * c * d).numpy()
