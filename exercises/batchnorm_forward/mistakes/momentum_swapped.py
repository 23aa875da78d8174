import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    if not train:
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, running_mean, running_var
    if x.shape[0] < 2:
        raise ValueError("need N > 1")
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    y = gamma * (x - mean) / np.sqrt(var + eps) + beta
    return (y, momentum * running_mean + (1 - momentum) * mean,
            momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1))
