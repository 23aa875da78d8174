"""np.log(1 - p) instead of np.log1p(-p)."""

import numpy as np


def bce_loss(p, y):
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
