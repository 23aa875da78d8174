"""Numerically stable softmax along any axis.

Run `dltutor check softmax` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Return exp(z) / sum(exp(z)) along `axis`, computed without overflow.

    z: float64 logits, any shape (at least 1-D); entries can be as large as ±1000.
    axis: the axis whose slices become probability vectors (negative counts from the end).
    Returns an array of z's shape; every slice along `axis` sums to 1.
    """
    # TODO: subtract each slice's maximum, exponentiate, divide by each slice's sum.
    raise NotImplementedError("softmax is not implemented yet")
