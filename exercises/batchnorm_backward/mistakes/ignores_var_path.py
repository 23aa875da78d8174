import numpy as np


def batchnorm_backward(dout, x, gamma, eps):
    mean = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0) + eps)
    xhat = (x - mean) / sigma
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(axis=0)) / sigma
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
