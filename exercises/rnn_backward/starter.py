"""Backprop through time: the gradients of a one-layer tanh RNN run over a whole sequence.

Run `dltutor check rnn_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def rnn_backward(x: np.ndarray, h0: np.ndarray, W_x: np.ndarray, W_h: np.ndarray,
                 b: np.ndarray, dh: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (dW_x, dW_h, db, dh0) for h_t = tanh(x[t] W_xᵀ + h_(t-1) W_hᵀ + b), h_(-1) = h0.

    x: (T, N, I)   h0: (N, H)   W_x: (H, I)   W_h: (H, H)   b: (H,)
    dh: (T, N, H), dh[t] = ∂L/∂h_t from the loss directly (not through the later steps).
    Returns four float64 arrays shaped like W_x, W_h, b and h0.
    """
    # TODO: run the forward pass keeping every h_t, then walk back from t = T-1 to 0,
    # carrying the gradient that flows into h_(t-1).
    raise NotImplementedError("rnn_backward is not implemented yet")
