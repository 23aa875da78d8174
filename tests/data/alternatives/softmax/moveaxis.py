"""Move the axis to the end, normalise the last axis, move it back."""

import numpy as np


def softmax(z, axis=-1):
    m = np.moveaxis(z, axis, -1)
    e = np.exp(m - m.max(axis=-1, keepdims=True))
    return np.moveaxis(e / e.sum(axis=-1, keepdims=True), -1, axis)
