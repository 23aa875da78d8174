"""Reference solution for scale_add."""

import numpy as np


def scale_add(x: np.ndarray, a: float, b: float) -> np.ndarray:
    return a * x + b
