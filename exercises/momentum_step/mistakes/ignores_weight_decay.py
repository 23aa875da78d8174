import numpy as np


def momentum_step(param, grad, buf, lr, momentum, dampening=0.0, weight_decay=0.0):
    if buf is None:
        buf = grad.copy()
    else:
        buf = momentum * buf + (1.0 - dampening) * grad
    return param - lr * buf, buf
