"""Causal conv1d: a dilated 1-D convolution that only looks at the present and the past.

Run `dltutor check causal_conv1d` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def causal_conv1d(x: np.ndarray, w: np.ndarray, b: np.ndarray, dilation: int = 1) -> np.ndarray:
    """Return y[n, o, t] = b[o] + Σ_c Σ_k w[o, c, k] · x[n, c, t − (K − 1 − k)·dilation].

    x: (N, C_in, L).  w: (C_out, C_in, K).  b: (C_out,).  Output: (N, C_out, L).
    x before time 0 counts as 0: pad (K − 1)·dilation zeros on the left of the time axis only.
    """
    # TODO: left-pad the time axis, then add up the K taps (tap k reads xp at t + k·dilation).
    raise NotImplementedError("causal_conv1d is not implemented yet")
