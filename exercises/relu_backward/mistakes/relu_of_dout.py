import numpy as np


def relu_backward(dout, x):
    return np.maximum(dout, 0.0) * (x > 0)
