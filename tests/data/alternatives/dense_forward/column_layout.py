"""One example per column: (W xᵀ + b)ᵀ, the textbook layout, transposed back."""

import numpy as np


def dense_forward(x, W, b, activation):
    z = (W @ x.T + b[:, None]).T
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if activation == "tanh":
        return np.tanh(z)
    if activation == "none":
        return z
    raise ValueError(activation)
