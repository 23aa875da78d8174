"""Reference solution for linear_backward."""

import numpy as np


def linear_backward(dout: np.ndarray, x: np.ndarray,
                    W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dx = dout @ W            # (N, D_out) @ (D_out, D_in) -> (N, D_in)
    dW = dout.T @ x          # (D_out, N) @ (N, D_in) -> (D_out, D_in), W's own layout
    db = dout.sum(axis=0)    # the bias is shared by every row: contributions add up
    return dx, dW, db
