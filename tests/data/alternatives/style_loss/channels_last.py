import numpy as np


def _gram(f):
    C = f.shape[0]
    X = f.transpose(1, 2, 0).reshape(-1, C)   # (H·W, C): one column per channel
    return X.T @ X / f.size


def style_loss(gen_features, style_features):
    d = _gram(gen_features) - _gram(style_features)
    return np.mean(np.square(d))   # a 0-d float64 is fine too
