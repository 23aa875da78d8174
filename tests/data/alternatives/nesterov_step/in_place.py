"""In place, as torch.optim.SGD does it: d is built on a copy of grad, the buffer and the
parameter are then updated with numpy's in-place operators, and the step reuses d."""

import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    d = grad.copy()
    if weight_decay:
        d += weight_decay * param
    if buf is None:
        buf = d.copy()
    else:
        buf *= momentum
        buf += d
    d += momentum * buf                    # the look-ahead direction, in d's storage
    param -= lr * d
    return param, buf
