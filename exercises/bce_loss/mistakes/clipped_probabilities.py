import numpy as np


def bce_loss(p, y):
    eps = 1e-7
    p = np.clip(p, eps, 1 - eps)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
