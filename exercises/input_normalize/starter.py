"""Input normalisation: standardise data with statistics fitted on the training set.

Run `dltutor check input_normalize` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def input_normalize(train: np.ndarray, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Return (x − mean) / √(var + eps), with mean and var per feature (per column) of `train`.

    var is the population variance (divide by N, not N − 1).
    train: (N, D) the training set.   x: (M, D) any data (train, validation, test).
    Returns an (M, D) float64 array.
    """
    # TODO: fit mean and var on train (axis 0), then apply them to x.
    raise NotImplementedError("input_normalize is not implemented yet")
