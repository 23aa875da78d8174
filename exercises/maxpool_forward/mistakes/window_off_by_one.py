import numpy as np


def maxpool_forward(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    n, c, h, w = x.shape
    h_out = (h - k) // stride + 1
    w_out = (w - k) // stride + 1
    y = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + k - 1, j * stride:j * stride + k - 1]
            y[:, :, i, j] = window.max(axis=(2, 3))
    return y
