"""Linear layer backward: gradients of y = x @ W.T + b with respect to x, W and b.

Run `dltutor check linear_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def linear_backward(dout: np.ndarray, x: np.ndarray,
                    W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (dx, dW, db) for y = x @ W.T + b.

    dout: (N, D_out) upstream gradient dL/dy.  x: (N, D_in).  W: (D_out, D_in).
    dx = dout @ W           (N, D_in)
    dW = dout.T @ x         (D_out, D_in)
    db = sum of dout's rows (D_out,)
    """
    # TODO: compute the three gradients; check each has the shape of what it differentiates.
    raise NotImplementedError("linear_backward is not implemented yet")
