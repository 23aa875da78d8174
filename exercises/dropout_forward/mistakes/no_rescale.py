import numpy as np


def dropout_forward(x, p, train, u):
    if not train:
        return x
    return x * (u >= p)
