"""Each log clamped at -100, as PyTorch does (the cases never reach it)."""

import numpy as np


def bce_loss(p, y):
    return float(np.mean(-(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))))
