import numpy as np


def minibatches(n, batch_size, seed, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if shuffle:
        np.random.seed(seed)
        order = np.random.permutation(n)
    else:
        order = np.arange(n)
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    if drop_last and batches and len(batches[-1]) < batch_size:
        batches = batches[:-1]
    return batches
