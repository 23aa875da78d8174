"""np.var for both variances (ddof=0 to normalise, ddof=1 for the running estimate), and the
normalisation folded into one scale and one shift per feature."""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    if train:
        if len(x) < 2:
            raise ValueError("a training batch needs at least 2 examples")
        mean, var = np.mean(x, axis=0), np.var(x, axis=0)
        new_mean = momentum * mean + (1 - momentum) * running_mean
        new_var = momentum * np.var(x, axis=0, ddof=1) + (1 - momentum) * running_var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    inv = gamma / np.sqrt(var + eps)
    return (x - mean) * inv + beta, new_mean, new_var
