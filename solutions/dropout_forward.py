"""Reference solution for dropout_forward."""

import numpy as np


def dropout_forward(x, p, train, u):
    if not train:
        return x.copy()                      # evaluation: the identity
    if p >= 1.0:
        return np.zeros_like(x)              # everything dropped; avoid dividing by 0
    keep = u >= p                            # kept with probability 1 - p
    return np.where(keep, x / (1.0 - p), 0.0)
