"""The first step written as a general step from a zero buffer: momentum·0 + d = d, which is
exactly PyTorch's "buf = d" on step 1 (Nesterov has no dampening)."""

import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    if buf is None:
        buf = np.zeros_like(param)
    d = grad + weight_decay * param
    new_buf = momentum * buf + d
    return param - lr * (d + momentum * new_buf), new_buf
