"""The mean of the means along the last axis: equal, every row having the same length."""

import numpy as np


def mse_loss(pred, target):
    return float(np.mean(np.mean((pred - target) ** 2, axis=-1)))
