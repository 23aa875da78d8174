"""Max pooling forward over a batch of feature maps.

Run `dltutor check maxpool_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def maxpool_forward(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    """Return y[n, c, i, j] = max over the k×k window of x[n, c] starting at (i·stride, j·stride).

    x: (N, C, H, W).  Output: (N, C, H_out, W_out) with H_out = (H − k) // stride + 1 and
    W_out = (W − k) // stride + 1. No padding.
    """
    # TODO: compute the output size, then take the max of each window over its two spatial axes.
    raise NotImplementedError("maxpool_forward is not implemented yet")
