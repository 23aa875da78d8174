"""In place, as torch.optim.SGD does it: the buffer and the parameter are updated with numpy's
in-place operators (on a copy of the first gradient, so the caller's grad is never aliased)."""

import numpy as np


def momentum_step(param, grad, buf, lr, momentum, dampening=0.0, weight_decay=0.0):
    d = grad.copy()
    if weight_decay != 0:
        d += weight_decay * param
    if buf is None:
        buf = d
    else:
        buf *= momentum
        buf += (1 - dampening) * d
    param -= lr * buf
    return param, buf
