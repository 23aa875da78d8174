"""Batch normalization (BatchNorm1d) forward pass, training and evaluation mode.

Run `dltutor check batchnorm_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      running_mean: np.ndarray, running_var: np.ndarray, momentum: float,
                      eps: float, train: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (y, new_running_mean, new_running_var).

    Training (statistics over the batch axis 0, per feature):
        mean = average of x over the batch        var = biased variance (divide by N)
        y = gamma · (x − mean) / √(var + eps) + beta
        running_mean = (1 − momentum) · running_mean + momentum · mean
        running_var  = (1 − momentum) · running_var  + momentum · var · N / (N − 1)
        N = 1: raise ValueError (one sample has no variance)
    Evaluation:
        y = gamma · (x − running_mean) / √(running_var + eps) + beta;  running stats unchanged

    x: (N, D) float64.  gamma, beta, running_mean, running_var: (D,) float64.
    """
    # TODO: pick the statistics for the mode, normalise, scale and shift, update the running stats.
    raise NotImplementedError("batchnorm_forward is not implemented yet")
