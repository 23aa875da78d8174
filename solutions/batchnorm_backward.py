"""Reference solution for batchnorm_backward."""

import numpy as np


def batchnorm_backward(dout, x, gamma, eps):
    mean = x.mean(axis=0)
    var = x.var(axis=0)                      # biased, as in the forward pass
    sigma = np.sqrt(var + eps)
    xhat = (x - mean) / sigma
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    # Mean and variance depend on every x in the column: subtract their contributions.
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / sigma
    return dx, dgamma, dbeta
