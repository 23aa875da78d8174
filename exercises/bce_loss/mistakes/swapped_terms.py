import numpy as np


def bce_loss(p, y):
    return float(np.mean(-(y * np.log(1 - p) + (1 - y) * np.log(p))))
