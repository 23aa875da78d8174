"""Conv2d forward: a multi-channel 2-D convolution (cross-correlation) with stride and padding.

Run `dltutor check conv2d_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                   stride: int = 1, padding: int = 0) -> np.ndarray:
    """Return y with y[n, k, i, j] = b[k] + Σ_c Σ_u Σ_v w[k, c, u, v] · xp[n, c, i·S + u, j·S + v].

    x: (N, C_in, H, W).  w: (C_out, C_in, KH, KW).  b: (C_out,).
    xp is x zero-padded by `padding` on both sides of H and W; S is `stride`.
    Output shape: (N, C_out, H_out, W_out) with H_out = (H + 2·padding − KH) // stride + 1
    (and the same for W with KW). No kernel flip.
    """
    # TODO: pad x (H and W only), compute H_out and W_out, then fill y window by window.
    raise NotImplementedError("conv2d_forward is not implemented yet")
