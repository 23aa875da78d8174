"""Reference solution for batchnorm_forward."""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    if not train:
        # Evaluation: a fixed affine map built from the running estimates.
        y = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        return y, running_mean.copy(), running_var.copy()
    n = x.shape[0]
    if n < 2:
        raise ValueError("batch norm needs more than one sample per feature in training mode")
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)                 # biased: normalises the batch
    y = gamma * (x - mean) / np.sqrt(var + eps) + beta
    unbiased = var * n / (n - 1)                          # unbiased: feeds the running estimate
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * unbiased
    return y, new_mean, new_var
