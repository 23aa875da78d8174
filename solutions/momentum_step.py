"""Reference solution for momentum_step."""

import numpy as np


def momentum_step(param, grad, buf, lr, momentum, dampening=0.0, weight_decay=0.0):
    # Weight decay is part of the gradient, so it also accumulates in the buffer.
    d = grad + weight_decay * param
    if buf is None:
        buf = d.copy()                       # first step: no momentum, no dampening
    else:
        buf = momentum * buf + (1.0 - dampening) * d
    return param - lr * buf, buf
