"""A 1-D softmax applied to every slice with np.apply_along_axis."""

import numpy as np


def softmax(z, axis=-1):
    def one(v):
        e = np.exp(v - v.max())
        return e / e.sum()
    return np.apply_along_axis(one, axis, z)
