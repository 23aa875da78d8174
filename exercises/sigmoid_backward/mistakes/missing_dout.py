import numpy as np


def sigmoid_backward(dout, x):
    s = 1.0 / (1.0 + np.exp(-x))
    return s * (1.0 - s)
