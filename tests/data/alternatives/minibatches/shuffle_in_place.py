"""Generator.shuffle on np.arange(n) draws the same order as permutation(n)."""

import numpy as np


def minibatches(n, batch_size, seed, shuffle=True, drop_last=False):
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    order = np.arange(n)
    if shuffle:
        np.random.default_rng(seed).shuffle(order)
    stop = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, stop, batch_size)]
