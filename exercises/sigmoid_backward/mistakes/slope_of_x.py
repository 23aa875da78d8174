import numpy as np


def sigmoid_backward(dout, x):
    return dout * x * (1.0 - x)
