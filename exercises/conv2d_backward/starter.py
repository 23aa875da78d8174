"""Conv2d backward: gradients of a 2-D convolution with respect to x, w and b.

Run `dltutor check conv2d_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from conv2d_forward import conv2d_forward


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                    padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (dx, dw, db) for y[n, k, i, j] = b[k] + Σ_c,u,v w[k, c, u, v] · xp[n, c, i·S + u, j·S + v].

    dout: (N, C_out, H_out, W_out).  x: (N, C_in, H, W).  w: (C_out, C_in, KH, KW).
    xp is x zero-padded by `padding` on H and W; S is `stride`.
      dw[k, c, u, v] = Σ_n,i,j dout[n, k, i, j] · xp[n, c, i·S + u, j·S + v]
      dxp[n, c, i·S + u, j·S + v] += Σ_k dout[n, k, i, j] · w[k, c, u, v]   (windows overlap)
      db[k] = Σ_n,i,j dout[n, k, i, j]
      dx = dxp[:, :, P:P+H, P:P+W]
    """
    # TODO: pad x, walk over the output positions, accumulate dxp and dw; then crop dxp.
    raise NotImplementedError("conv2d_backward is not implemented yet")
