"""A float mask multiplied in, with the scale computed once; p = 1 handled by a zero scale."""

import numpy as np


def dropout_forward(x, p, train, u):
    if not train:
        return np.array(x, dtype=np.float64, copy=True)
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    mask = (u >= p).astype(np.float64)
    return x * mask * scale
