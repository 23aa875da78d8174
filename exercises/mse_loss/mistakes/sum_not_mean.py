import numpy as np


def mse_loss(pred, target):
    return float(np.sum((pred - target) ** 2))
