import numpy as np


def dense_forward(x, W, b, activation):
    z = x @ W.T + b
    if activation == "relu":
        y = np.maximum(z, 0.0)
    elif activation == "sigmoid":
        y = np.exp(z) / (1.0 + np.exp(z))
    elif activation == "tanh":
        y = np.tanh(z)
    elif activation == "none":
        y = z
    else:
        raise ValueError(f"unknown activation {activation}")
    return y
