import numpy as np


def linear_backward(dout, x, W):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
