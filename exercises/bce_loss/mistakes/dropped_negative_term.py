import numpy as np


def bce_loss(p, y):
    return float(np.mean(-y * np.log(p)))
