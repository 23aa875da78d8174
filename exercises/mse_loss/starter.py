"""Mean squared error, averaged over every element (PyTorch's default reduction).

Run `dltutor check mse_loss` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def mse_loss(pred: np.ndarray, target: np.ndarray) -> float:
    """Return (1/n) * sum((pred - target)**2), where n is the total number of elements.

    pred, target: float64 arrays of the same (any) shape, at least one element.
    Returns a float.
    """
    # TODO: square the element-wise errors and average them over all elements.
    raise NotImplementedError("mse_loss is not implemented yet")
