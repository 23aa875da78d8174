"""Binary cross-entropy, averaged over every element.

Run `dltutor check bce_loss` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def bce_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Return mean(-(y * log(p) + (1 - y) * log(1 - p))).

    p: predicted probabilities, any shape, strictly inside (0, 1), float64.
    y: labels of the same shape, in [0, 1] (usually exactly 0.0 or 1.0).
    Returns a float.
    """
    # TODO: compute the per-element loss with both terms, then average it.
    raise NotImplementedError("bce_loss is not implemented yet")
