"""A while loop that keeps a short last batch unless drop_last."""

import numpy as np


def minibatches(n, batch_size, seed, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    out, i = [], 0
    while i < n:
        batch = order[i:i + batch_size]
        if len(batch) == batch_size or not drop_last:
            out.append(batch)
        i += batch_size
    return out
