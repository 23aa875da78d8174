"""Reference solution for double_it."""

import numpy as np


def double_it(x: np.ndarray) -> np.ndarray:
    return 2 * x
