"""Reference solution for mlp_backward, built on three earlier exercises (see `requires` in
exercise.toml): each backward step is a function already written."""

import numpy as np
from linear_backward import linear_backward
from relu_backward import relu_backward
from softmax_ce_backward import softmax_ce_backward


def mlp_backward(x: np.ndarray, y: np.ndarray, W1: np.ndarray, b1: np.ndarray,
                 W2: np.ndarray, b2: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Forward pass, keeping what the backward pass needs.
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2.T + b2

    # Backwards, one piece at a time: mean cross-entropy (a stable softmax, the 1/N of the
    # batch mean), the second linear layer, the ReLU (a mask from z1, strictly positive), the
    # first linear layer. dx of the first layer is not needed.
    dlogits = softmax_ce_backward(logits, y)
    dh, dW2, db2 = linear_backward(dlogits, h, W2)
    dz1 = relu_backward(dh, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
    return dW1, db1, dW2, db2
