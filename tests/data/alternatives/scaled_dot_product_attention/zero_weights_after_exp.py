import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is None:
        mask = np.ones(scores.shape, dtype=bool)
    # shift by the largest allowed score, exponentiate, then zero the blocked weights
    top = np.where(mask, scores, -np.inf).max(axis=-1, keepdims=True)
    e = np.exp(np.where(mask, scores - top, 0.0)) * mask
    return (e / e.sum(axis=-1, keepdims=True)) @ v
