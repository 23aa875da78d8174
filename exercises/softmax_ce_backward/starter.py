"""Softmax cross-entropy backward: dL/dlogits for the mean cross-entropy over a batch.

Run `dltutor check softmax_ce_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def softmax_ce_backward(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Return dL/dlogits = (softmax(logits) - onehot(targets)) / N.

    logits: (N, C) float64 (entries can be as large as ±1000).
    targets: (N,) int64 class indices in 0..C-1.
    Returns (N, C) float64.
    """
    # TODO: stable softmax per row, subtract 1 at each row's target, divide by the batch size.
    raise NotImplementedError("softmax_ce_backward is not implemented yet")
