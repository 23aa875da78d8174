import numpy as np


def softmax_ce_backward(logits, targets):
    n = logits.shape[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(n), targets] -= 1.0
    return -p / n
