import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    buf = grad.copy() if buf is None else momentum * buf + grad
    return param - lr * (grad + momentum * buf), buf
