import numpy as np


def linear_backward(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(axis=0)
