"""exp(z − logsumexp(z)) minus rows of the identity matrix."""

import numpy as np


def softmax_ce_backward(logits, targets):
    n, c = logits.shape
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    return (np.exp(logits - lse) - np.eye(c)[targets]) / n
