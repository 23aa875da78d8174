import numpy as np


def relu_backward(dout, x):
    return dout * (dout > 0)
