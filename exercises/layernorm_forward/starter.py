"""Layer normalization, forward pass, over the last dimension (like F.layer_norm(x, (D,), ...)).

Run `dltutor check layernorm_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float) -> np.ndarray:
    """Return y = gamma · (x − mean) / √(var + eps) + beta, where mean and the biased var are
    taken over the LAST axis of x, separately for every example.

    x: (..., D) float64, any number of leading axes.  gamma, beta: (D,).  Returns x's shape.
    """
    # TODO: per-example statistics over the last axis, normalise, then scale and shift.
    raise NotImplementedError("layernorm_forward is not implemented yet")
