import numpy as np


def nesterov_step(param, grad, buf, lr, momentum, weight_decay=0.0):
    d = grad + weight_decay * param
    buf = lr * d if buf is None else momentum * buf + lr * d
    return param - (lr * d + momentum * buf), buf
