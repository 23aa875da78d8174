"""np.split at multiples of batch_size (n = 0 handled first: np.split would give one empty batch)."""

import numpy as np


def minibatches(n, batch_size, seed, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    if n == 0:
        return []
    batches = np.split(order, range(batch_size, n, batch_size))
    if drop_last and len(batches[-1]) < batch_size:
        batches.pop()
    return batches
