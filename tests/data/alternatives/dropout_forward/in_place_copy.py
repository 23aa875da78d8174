"""Work on a copy: zero the dropped elements in place, then divide what is left by 1 − p."""

import numpy as np


def dropout_forward(x, p, train, u):
    y = x.copy()
    if not train:
        return y
    if p == 1:
        y[...] = 0.0
        return y
    y[u < p] = 0.0
    y /= 1 - p
    return y
