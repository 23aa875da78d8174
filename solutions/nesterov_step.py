"""Reference solution for nesterov_step."""

import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    d = grad + weight_decay * param
    if buf is None:
        buf = d.copy()                       # first step: the buffer is the gradient itself
    else:
        buf = momentum * buf + d
    # Look ahead: the fresh gradient plus the momentum the (updated) buffer will add next.
    return param - lr * (d + momentum * buf), buf
