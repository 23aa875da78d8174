"""Reference solution for minibatches."""

import numpy as np


def minibatches(n: int, batch_size: int, seed: int, shuffle: bool = True,
                drop_last: bool = False) -> list[np.ndarray]:
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    # The epoch's order: a fresh seeded generator, so the same seed gives the same epoch.
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    # Consecutive full batches; the last may be shorter.
    batches = [order[start:start + batch_size] for start in range(0, n, batch_size)]
    if drop_last and batches and len(batches[-1]) < batch_size:
        batches.pop()
    return batches
