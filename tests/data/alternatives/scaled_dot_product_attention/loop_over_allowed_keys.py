import math

import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    N, Lq, d = q.shape
    out = np.zeros((N, Lq, v.shape[-1]))
    for b in range(N):
        for i in range(Lq):
            keys = range(k.shape[1]) if mask is None else np.flatnonzero(mask[b, i])
            s = np.array([q[b, i] @ k[b, j] / math.sqrt(d) for j in keys])
            w = np.exp(s - s.max())
            w /= w.sum()
            for wj, j in zip(w, keys):
                out[b, i] += wj * v[b, j]
    return out
