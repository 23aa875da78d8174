import numpy as np


def mlp_backward(x, y, W1, b1, W2, b2):
    n = x.shape[0]
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2.T + b2
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(n), y] -= 1.0
    d = p / n
    dW2 = d.T @ h
    db2 = d.sum(axis=0)
    dh = d @ W2
    dz1 = dh * (z1 > 0)
    dW1 = dz1.T @ x
    db1 = dz1.sum(axis=0)
    return dW1, db1, dW2, db2
