"""Trusted check for mlp_backward: the same network in PyTorch (float64, F.linear, torch.relu,
F.cross_entropy mean), gradients from autograd. Batch of 1, H = 1, C = 2, pre-activations that are
exactly 0 (dyadic inputs, an all-zero input row with zero biases)."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, n: int, d: int, h: int, c: int, label: str = "",
          dyadic: bool = False) -> Case:
    if dyadic:
        # multiples of 1/2 with small magnitudes: sums are exact, so many z1 are exactly 0
        draw = lambda shape: rng.integers(-2, 3, size=shape).astype(np.float64) / 2.0  # noqa: E731
    else:
        draw = rng.standard_normal
    inputs = {
        "x": draw((n, d)),
        "y": rng.integers(0, c, size=n).astype(np.int64),
        "W1": draw((h, d)),
        "b1": draw((h,)),
        "W2": draw((c, h)),
        "b2": draw((c,)),
    }
    return Case(inputs, label=label or f"N={n}, D={d}, H={h}, C={c}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 5, 3),
        _case(rng, 6, 2, 4, 4),
        _case(rng, 1, 3, 2, 2, "batch of 1"),
        _case(rng, 5, 4, 1, 3, "a single hidden unit"),
        _case(rng, 3, 2, 6, 5),
        _case(rng, 8, 3, 4, 3, "halves only: many pre-activations exactly 0", dyadic=True),
    ]
    case = _case(rng, 4, 3, 5, 4, "an all-zero input row with zero biases: z1 = 0 exactly")
    case.inputs["x"][2] = 0.0
    case.inputs["b1"][[0, 2, 3]] = 0.0
    out.append(case)
    if hidden:
        for _ in range(5):
            n, d, h, c = (int(v) for v in rng.integers(1, 7, size=4))
            out.append(_case(rng, n, d, h, max(c, 2)))
        out.append(_case(rng, 10, 4, 6, 3, "halves only", dyadic=True))
        out.append(_case(rng, 2, 1, 1, 2, "D = H = 1"))
    return out


def reference(x, y, W1, b1, W2, b2):
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W1, b1, W2, b2)]
    w1, c1, w2, c2 = params
    h = torch.relu(F.linear(torch.tensor(x, dtype=torch.float64), w1, c1))
    logits = F.linear(h, w2, c2)
    F.cross_entropy(logits, torch.tensor(y, dtype=torch.int64)).backward()
    return tuple(p.grad.numpy() for p in params)
