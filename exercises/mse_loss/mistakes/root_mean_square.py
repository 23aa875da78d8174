import numpy as np


def mse_loss(pred, target):
    return float(np.sqrt(np.mean((pred - target) ** 2)))
