import numpy as np


def batchnorm_backward(dout, x, gamma, eps):
    n = x.shape[0]
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    sigma = np.sqrt(var + eps)
    xhat = (x - mean) / sigma
    dxhat = dout * gamma
    # the textbook chain rule, with the unbiased variance throughout
    dvar = (dxhat * (x - mean)).sum(axis=0) * -0.5 * sigma ** -3
    dmean = -dxhat.sum(axis=0) / sigma
    dx = dxhat / sigma + dvar * 2 * (x - mean) / (n - 1) + dmean / n
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
