"""Trusted check for double_it (numpy is the oracle here: the test course needs no torch)."""

import numpy as np

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    return [Case({"x": rng.standard_normal(shape)}, label=f"shape {shape}")
            for shape in [(3,), (2, 4), (5,)]]


def reference(x: np.ndarray) -> np.ndarray:
    return 2.0 * x
