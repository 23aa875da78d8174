"""Reference solution for softmax."""

import numpy as np


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    # Shift every slice by its own maximum: the result is unchanged, nothing overflows, and the
    # largest term of each slice is exp(0) = 1, so no denominator is 0.
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
