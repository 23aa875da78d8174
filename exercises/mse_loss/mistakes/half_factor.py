import numpy as np


def mse_loss(pred, target):
    return float(0.5 * np.mean((pred - target) ** 2))
