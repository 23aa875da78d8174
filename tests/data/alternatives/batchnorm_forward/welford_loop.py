"""Welford's one-pass running mean and variance, a loop over the examples (numerically stable
far from 0, unlike mean(x²) − mean(x)²); the running estimates updated in place on copies."""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    running_mean = running_mean.copy()
    running_var = running_var.copy()
    if not train:
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, running_mean, running_var
    n = x.shape[0]
    if n == 1:
        raise ValueError("expected more than 1 value per channel when training")
    mean = np.zeros(x.shape[1])
    m2 = np.zeros(x.shape[1])
    for k in range(n):
        delta = x[k] - mean
        mean += delta / (k + 1)
        m2 += delta * (x[k] - mean)
    y = (x - mean) / np.sqrt(m2 / n + eps) * gamma + beta
    running_mean *= 1 - momentum
    running_mean += momentum * mean
    running_var *= 1 - momentum
    running_var += momentum * (m2 / (n - 1))
    return y, running_mean, running_var
