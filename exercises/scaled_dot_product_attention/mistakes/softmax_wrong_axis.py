import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    s = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=-2, keepdims=True)
    w = np.exp(s)
    w = w / w.sum(axis=-2, keepdims=True)
    return w @ v
