import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    d = grad + weight_decay * param
    buf = d.copy() if buf is None else momentum * buf + d
    return param - lr * buf, buf
