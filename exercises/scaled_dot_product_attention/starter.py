"""Scaled dot-product attention, the core of every Transformer layer.

Run `dltutor check scaled_dot_product_attention` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from softmax import softmax


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray,
                                 mask: np.ndarray | None = None) -> np.ndarray:
    """Return softmax(q kᵀ / √d + M) v, batched over the first axis.

    q: (N, Lq, d) queries.  k: (N, Lk, d) keys.  v: (N, Lk, dv) values.
    mask: None, or a bool array (N, Lq, Lk): True = query i may attend key j; where it is
          False, M is -inf (that key gets weight 0). No row is entirely False.
    The softmax runs over the keys (the last axis of the scores).
    Returns (N, Lq, dv), float64.
    """
    # TODO: scores, scale, mask, stable softmax over the keys, weighted sum of the values.
    raise NotImplementedError("scaled_dot_product_attention is not implemented yet")
