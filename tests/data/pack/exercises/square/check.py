"""Trusted check for square (all-or-nothing scoring)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = [(4,), (2, 5)] + ([(3, 2, 2)] if hidden else [])
    return [Case({"x": rng.uniform(-3.0, 3.0, shape)}, label=f"shape {shape}") for shape in shapes]


def reference(x: np.ndarray) -> np.ndarray:
    return torch.square(torch.tensor(x, dtype=torch.float64)).numpy()
