"""One feature at a time: fit each column's mean and population std, then fill the output."""

import numpy as np


def input_normalize(train, x, eps=1e-5):
    out = np.empty_like(x)
    n = train.shape[0]
    for j in range(train.shape[1]):
        col = train[:, j]
        mean = col.sum() / n
        var = ((col - mean) ** 2).sum() / n
        out[:, j] = (x[:, j] - mean) / np.sqrt(var + eps)
    return out
