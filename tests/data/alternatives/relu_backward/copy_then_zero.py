import numpy as np


def relu_backward(dout, x):
    dx = dout.copy()
    dx[x <= 0] = 0.0
    return dx
