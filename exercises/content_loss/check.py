"""Trusted check for content_loss: F.mse_loss(gen, content) with its default reduction='mean'
(the PyTorch neural style transfer tutorial's ContentLoss), float64.

Features are mostly post-ReLU (non-negative with exact zeros, as VGG's) and of several shapes:
(C, H, W) and the tutorial's (1, C, H, W). The content features are drawn near the generated ones
but not equal, with non-zero mean differences, so that sum vs mean, ½·sum, L1 vs L2 and Gram
matrices vs features all give other numbers."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def reference(gen_features, content_features):
    gen, content = torch.from_numpy(gen_features), torch.from_numpy(content_features)
    return float(F.mse_loss(gen, content, reduction="mean").item())


def _case(rng, shape, *, relu=True, scale=1.0, label=""):
    gen = rng.standard_normal(shape) * scale
    content = gen * 0.6 + rng.standard_normal(shape) * 0.8 * scale + 0.3 * scale
    if relu:  # features taken after a ReLU, as in VGG
        gen, content = np.maximum(gen, 0.0), np.maximum(content, 0.0)
    what = f"shape {shape}" + ("" if relu else ", signed features")
    if scale != 1.0:
        what += f", features ~{scale:g}"
    return Case({"gen_features": gen, "content_features": content},
                label=what + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (3, 4, 4)),
        _case(rng, (5, 2, 3), relu=False),
        _case(rng, (1, 3, 5), label="one channel"),
        _case(rng, (4, 1, 1), label="1x1 maps"),
        _case(rng, (1, 4, 3, 3), label="with the tutorial's batch axis of 1"),
        _case(rng, (2, 6, 3), relu=False, scale=0.05, label="small features: the loss is ~1e-3"),
        _case(rng, (8, 2, 2), scale=20.0),
    ]
    # the README's worked example
    gen = np.array([[[1.0, 2.0], [0.0, 1.0]], [[0.0, 1.0], [3.0, 0.0]]])
    content = np.array([[[1.0, 1.0], [1.0, 1.0]], [[2.0, 0.0], [0.0, 0.0]]])
    out.append(Case({"gen_features": gen, "content_features": content},
                    label="the README's example: loss 2"))
    same = np.maximum(rng.standard_normal((3, 2, 4)), 0.0)
    out.append(Case({"gen_features": same, "content_features": same.copy()},
                    label="identical features: the loss is 0"))
    # the same Gram matrix, different features: a style loss would say 0 here
    f = rng.standard_normal((2, 3, 3))
    out.append(Case({"gen_features": f, "content_features": -f},
                    label="content = −gen: the same Gram matrices, but different content"))
    if hidden:
        for _ in range(8):
            c = int(rng.integers(1, 8))
            hw = tuple(int(v) for v in rng.integers(1, 6, size=2))
            shape = (1, c, *hw) if rng.random() < 0.3 else (c, *hw)
            out.append(_case(rng, shape, relu=bool(rng.random() < 0.6),
                             scale=float(rng.choice([0.1, 1.0, 10.0]))))
    return out
