import numpy as np


def sigmoid_backward(dout, x):
    e = np.exp(-x)
    return dout * e / (1.0 + e) ** 2
