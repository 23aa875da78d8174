import numpy as np


def input_normalize(train, x, eps=1e-5):
    mean = train.mean(axis=0)
    var = train.var(axis=0, ddof=1)
    return (x - mean) / np.sqrt(var + eps)
