"""Inverted dropout, forward pass, with the random numbers given (so the result is checkable).

Run `dltutor check dropout_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def dropout_forward(x: np.ndarray, p: float, train: bool, u: np.ndarray) -> np.ndarray:
    """Return inverted dropout of x.

        train=False:  y = x                                  (identity)
        train=True:   keep = (u >= p)                        keep probability 1 − p
                      y = x / (1 − p)  where kept,  0 where dropped
                      p = 1 drops everything: y = 0

    x: float64 array, any shape.  p: drop probability in [0, 1].  u: uniform [0, 1) samples,
    same shape as x (use these instead of drawing random numbers).  Returns a float64 array of
    x's shape.
    """
    # TODO: handle evaluation mode, then build the mask from u and rescale the kept elements.
    raise NotImplementedError("dropout_forward is not implemented yet")
