"""Reference solution for conv2d_forward."""

import numpy as np


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                   stride: int = 1, padding: int = 0) -> np.ndarray:
    n, _, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    # Zeros around H and W only; the batch and channel axes stay as they are.
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (wd + 2 * padding - kw) // stride + 1
    y = np.empty((n, c_out, h_out, w_out), dtype=np.float64)
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            # (N, C_in, KH, KW) · (C_out, C_in, KH, KW) summed over C_in, KH, KW -> (N, C_out)
            y[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return y + b[None, :, None, None]
