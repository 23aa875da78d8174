"""Reference solution for mlp_backward."""

import numpy as np


def mlp_backward(x: np.ndarray, y: np.ndarray, W1: np.ndarray, b1: np.ndarray,
                 W2: np.ndarray, b2: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = x.shape[0]
    # Forward pass, keeping what the backward pass needs.
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2.T + b2

    # Mean cross-entropy backward: (softmax - onehot) / N, with a stable softmax.
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    dlogits = e / e.sum(axis=1, keepdims=True)
    dlogits[np.arange(n), y] -= 1.0
    dlogits /= n

    # Second linear layer.
    dW2 = dlogits.T @ h
    db2 = dlogits.sum(axis=0)
    dh = dlogits @ W2

    # ReLU: the gradient passes only where the pre-activation was strictly positive.
    dz1 = dh * (z1 > 0)

    # First linear layer.
    dW1 = dz1.T @ x
    db1 = dz1.sum(axis=0)
    return dW1, db1, dW2, db2
