"""Trusted check for scale_add: random shapes and scalars, PyTorch as the oracle."""

import numpy as np
import torch

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = [(5,), (2, 3), (1, 4, 2)]
    if hidden:
        shapes += [(3, 3), (6,)]
    out = []
    for shape in shapes:
        a = float(rng.uniform(1.5, 3.0))
        b = float(rng.uniform(-2.0, -0.5))
        out.append(Case({"x": rng.standard_normal(shape), "a": a, "b": b},
                        label=f"shape {shape}"))
    return out


def reference(x: np.ndarray, a: float, b: float) -> np.ndarray:
    return torch.add(torch.mul(torch.tensor(x, dtype=torch.float64), a), b).numpy()
