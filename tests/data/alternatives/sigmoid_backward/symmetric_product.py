"""The slope as σ(x)·σ(−x), the other algebraic form of σ(x)(1 − σ(x))."""

import numpy as np


def sigmoid_backward(dout, x):
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    return dout * sig(x) * sig(-x)
