"""Backpropagation through a two-layer MLP: linear -> ReLU -> linear -> mean cross-entropy.

Run `dltutor check mlp_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from linear_backward import linear_backward
# from relu_backward import relu_backward
# from softmax_ce_backward import softmax_ce_backward


def mlp_backward(x: np.ndarray, y: np.ndarray, W1: np.ndarray, b1: np.ndarray,
                 W2: np.ndarray, b2: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (dW1, db1, dW2, db2), the gradients of the mean cross-entropy loss.

    Forward:  z1 = x @ W1.T + b1;  h = relu(z1);  logits = h @ W2.T + b2;
              L = mean_n( -log softmax(logits_n)[y_n] ).
    x: (N, D), y: (N,) int64, W1: (H, D), b1: (H,), W2: (C, H), b2: (C,), float64.
    Each gradient has its parameter's shape.
    """
    # TODO: forward pass (keep z1 and h), then backward: dlogits, layer 2, ReLU, layer 1.
    raise NotImplementedError("mlp_backward is not implemented yet")
