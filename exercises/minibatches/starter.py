"""The mini-batches of one epoch: a seeded shuffle, then consecutive pieces of batch_size.

Run `dltutor check minibatches` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def minibatches(n: int, batch_size: int, seed: int, shuffle: bool = True,
                drop_last: bool = False) -> list[np.ndarray]:
    """Return the index batches of one epoch over examples 0..n-1.

    Order: np.random.default_rng(seed).permutation(n) if shuffle, else np.arange(n).
    Batches: consecutive slices of batch_size from that order; the last may be shorter and is
    kept unless drop_last. n == 0 gives []. batch_size < 1 raises ValueError.
    Returns a list of 1-D integer numpy arrays.
    """
    # TODO: validate batch_size, build the order, cut it into batches, handle drop_last.
    raise NotImplementedError("minibatches is not implemented yet")
