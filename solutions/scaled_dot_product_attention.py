"""Reference solution for scaled_dot_product_attention."""

import numpy as np


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray,
                                 mask: np.ndarray | None = None) -> np.ndarray:
    d = q.shape[-1]
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)          # (N, Lq, Lk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)             # False = blocked
    scores = scores - scores.max(axis=-1, keepdims=True)     # stable: largest exponent is 0
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)  # each query's weights sum to 1
    return weights @ v
