"""Known mistake: the mean relative error instead of the largest."""

import numpy as np


def grad_check(f, x, analytic, eps=1e-5):
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old  # leave x as it was found
        numeric[i] = (up - down) / (2 * eps)
    # The guard keeps 0/0 (both gradients exactly 0) from turning into NaN.
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-12)
    error = np.abs(analytic - numeric) / scale
    return numeric, float(error.mean())
