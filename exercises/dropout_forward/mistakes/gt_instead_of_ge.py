import numpy as np


def dropout_forward(x, p, train, u):
    if not train:
        return x
    if p == 1:
        return np.zeros_like(x)
    return x * (u > p) / (1 - p)
