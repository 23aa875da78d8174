"""The textbook derivation, step by step through the variance and the mean (cs231n style):
dvar, then dmean (including its zero-sum term through the variance), then dx from three paths."""

import numpy as np


def batchnorm_backward(dout, x, gamma, eps):
    n = x.shape[0]
    mean = x.mean(axis=0)
    xc = x - mean
    var = (xc ** 2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = xc * inv_std
    dxhat = dout * gamma
    dvar = np.sum(dxhat * xc, axis=0) * -0.5 * inv_std ** 3
    dmean = np.sum(-dxhat * inv_std, axis=0) + dvar * np.mean(-2.0 * xc, axis=0)
    dx = dxhat * inv_std + dvar * 2.0 * xc / n + dmean / n
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
