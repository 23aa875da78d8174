"""np.std over the last axis, squared back into the variance; reshape instead of keepdims."""

import numpy as np


def layernorm_forward(x, gamma, beta, eps):
    d = x.shape[-1]
    rows = x.reshape(-1, d)
    mean = rows.mean(axis=1).reshape(-1, 1)
    std = rows.std(axis=1).reshape(-1, 1)
    xhat = (rows - mean) / np.sqrt(std ** 2 + eps)
    return (xhat * gamma + beta).reshape(x.shape)
