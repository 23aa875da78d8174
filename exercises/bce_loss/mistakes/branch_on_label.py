import numpy as np


def bce_loss(p, y):
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log(1 - p))))
