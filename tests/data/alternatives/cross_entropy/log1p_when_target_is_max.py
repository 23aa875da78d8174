"""log1p of the other classes' mass where the target is the max: more accurate than PyTorch there."""

import numpy as np


def cross_entropy(logits, targets):
    # loss of a row = log(1 + sum_{j != t} exp(z_j - z_t)) when z_t is the max, else lse - z_t
    n = len(targets)
    rows = np.arange(n)
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    zt = logits[rows, targets]
    others = e.sum(axis=1) - e[rows, targets]
    top = zt == m[:, 0]
    loss = np.where(top, np.log1p(others), m[:, 0] + np.log(e.sum(axis=1)) - zt)
    return float(loss.mean())
