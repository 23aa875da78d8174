"""Reference solution for relu_backward."""

import numpy as np


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    # The local derivative is 1 where the input was positive, 0 elsewhere (0 at x == 0 too).
    return np.where(x > 0, dout, 0.0)
