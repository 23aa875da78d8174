import numpy as np


def momentum_step(param, grad, buf, lr, momentum, dampening=0.0, weight_decay=0.0):
    d = grad + weight_decay * param
    if buf is None:
        buf = lr * d
    else:
        buf = momentum * buf + (1.0 - dampening) * lr * d
    return param - buf, buf
