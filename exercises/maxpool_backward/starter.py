"""Max pooling backward: send each window's gradient to the position of its maximum.

Run `dltutor check maxpool_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def maxpool_backward(dout: np.ndarray, x: np.ndarray, k: int, stride: int) -> np.ndarray:
    """Return dx, shape of x: dx[n, c, i·S + u*, j·S + v*] += dout[n, c, i, j] for every window.

    dout: (N, C, H_out, W_out).  x: (N, C, H, W).  S = stride, no padding.
    (u*, v*) is where the k×k window starting at (i·S, j·S) has its maximum (first one in
    row-major order in a tie). Overlapping windows add up.
    """
    # TODO: for every output position, find each window's winner and add dout there.
    raise NotImplementedError("maxpool_backward is not implemented yet")
