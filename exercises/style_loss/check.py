"""Trusted check for style_loss: F.mse_loss between the two normalised Gram matrices (the PyTorch
neural style transfer tutorial's StyleLoss), float64."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _gram(features: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(features).unsqueeze(0)   # (1, C, H, W), as in the tutorial
    a, b, c, d = t.size()
    flat = t.view(a * b, c * d)
    return torch.mm(flat, flat.t()).div(a * b * c * d)


def _case(rng, c, gen_hw, style_hw=None, *, relu=True, label=""):
    style_hw = style_hw or gen_hw
    gen = rng.standard_normal((c, *gen_hw))
    style = rng.standard_normal((c, *style_hw)) * 1.5 + 0.3
    if relu:  # features taken after a ReLU, as in VGG: non-negative with exact zeros
        gen, style = np.maximum(gen, 0.0), np.maximum(style, 0.0)
    what = f"C={c}, gen {gen_hw[0]}x{gen_hw[1]}, style {style_hw[0]}x{style_hw[1]}"
    return Case({"gen_features": gen, "style_features": style}, label=label or what)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 3, (4, 4)),
        _case(rng, 5, (2, 3), relu=False, label="C=5, 2x3 maps, signed features"),
        _case(rng, 1, (3, 5), label="one channel (C=1)"),
        _case(rng, 4, (1, 1), label="1x1 maps"),
        _case(rng, 4, (3, 3), (5, 2), label="different spatial sizes: 3x3 vs 5x2"),
        _case(rng, 6, (2, 2)),
        _case(rng, 2, (6, 3), (2, 2), relu=False, label="C=2, 6x3 vs 2x2, signed features"),
    ]
    same = rng.standard_normal((3, 2, 4))
    out.append(Case({"gen_features": same, "style_features": same.copy()},
                    label="identical features: the loss is 0"))
    if hidden:
        for _ in range(8):
            c = int(rng.integers(1, 8))
            gen_hw = tuple(int(v) for v in rng.integers(1, 6, size=2))
            style_hw = gen_hw if rng.random() < 0.6 else tuple(
                int(v) for v in rng.integers(1, 6, size=2))
            out.append(_case(rng, c, gen_hw, style_hw, relu=bool(rng.random() < 0.6)))
    return out


def reference(gen_features, style_features):
    return float(F.mse_loss(_gram(gen_features), _gram(style_features)).item())
