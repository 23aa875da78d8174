"""Reference solution for cross_entropy."""

import numpy as np


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    # Stable log-sum-exp per row: shift by the row's max so the largest exponent is exp(0) = 1.
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    # log softmax of each row's own target, without ever taking the log of a probability.
    rows = np.arange(logits.shape[0])
    return float(np.mean(lse - logits[rows, targets]))
