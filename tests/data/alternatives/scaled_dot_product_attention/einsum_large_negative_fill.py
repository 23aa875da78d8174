import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = np.einsum("nqd,nkd->nqk", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)  # a huge negative number instead of -inf
    # softmax through the log-sum-exp
    m = scores.max(axis=-1, keepdims=True)
    log_z = m + np.log(np.exp(scores - m).sum(axis=-1, keepdims=True))
    return np.einsum("nqk,nkv->nqv", np.exp(scores - log_z), v)
