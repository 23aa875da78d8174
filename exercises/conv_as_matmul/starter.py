"""Convolution as a matrix: build M such that conv(x).flatten() == M @ x.flatten().

Run `dltutor check conv_as_matmul` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def conv_as_matmul(w: np.ndarray, in_h: int, in_w: int, stride: int = 1,
                   padding: int = 0) -> np.ndarray:
    """Return M, shape (out_h·out_w, in_h·in_w), for the single-channel kernel w (KH, KW).

    out_h = (in_h + 2·padding − KH) // stride + 1, out_w likewise with in_w and KW.
    Row i·out_w + j (output (i, j)) has w[u, v] in column a·in_w + c, where
    a = i·stride + u − padding and c = j·stride + v − padding, for every tap (u, v) whose pixel
    (a, c) lies inside the input. Taps over the zero padding get no column. No kernel flip.
    """
    # TODO: compute out_h and out_w, start from a zero matrix and place the weights row by row.
    raise NotImplementedError("conv_as_matmul is not implemented yet")
