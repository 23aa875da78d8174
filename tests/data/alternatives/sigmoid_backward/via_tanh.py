"""The sigmoid through tanh, σ(x) = (1 + tanh(x/2)) / 2: exact to ~1e-16 absolute, 0 below x ≈ -37."""

import numpy as np


def sigmoid_backward(dout, x):
    s = 0.5 * (1.0 + np.tanh(0.5 * x))
    return dout * s * (1.0 - s)
