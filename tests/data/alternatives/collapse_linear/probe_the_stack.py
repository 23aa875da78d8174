"""Run the stack on 0 (the bias) and on the unit vectors (bias + columns of W)."""

import numpy as np


def collapse_linear(W1, b1, W2, b2):
    stack = lambda v: (v @ W1.T + b1) @ W2.T + b2
    b = stack(np.zeros(W1.shape[1]))
    W = (stack(np.eye(W1.shape[1])) - b).T
    return W, b
