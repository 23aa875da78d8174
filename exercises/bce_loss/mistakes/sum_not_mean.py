import numpy as np


def bce_loss(p, y):
    return float(np.sum(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
