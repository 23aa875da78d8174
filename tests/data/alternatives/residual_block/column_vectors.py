import numpy as np


def residual_block(x: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
                   b2: np.ndarray) -> np.ndarray:
    # The textbook column-vector form W·x + b, one sample at a time.
    out = np.empty_like(x)
    for n, xn in enumerate(x):
        h = np.where(W1 @ xn + b1 > 0, W1 @ xn + b1, 0.0)
        out[n] = np.maximum(xn + (W2 @ h + b2), 0)
    return out
