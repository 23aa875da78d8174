"""Reference solution for maxpool_backward."""

import numpy as np


def maxpool_backward(dout: np.ndarray, x: np.ndarray, k: int, stride: int) -> np.ndarray:
    n, c, _, _ = x.shape
    h_out, w_out = dout.shape[2:]
    dx = np.zeros_like(x)
    n_idx, c_idx = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")  # (N, C) each
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            # the winner of each (n, c) window: the first max in row-major order, like PyTorch
            u, v = np.divmod(window.reshape(n, c, k * k).argmax(axis=2), k)
            # one position per (n, c): no repeated index inside this +=, and overlaps add up
            dx[n_idx, c_idx, i * stride + u, j * stride + v] += dout[:, :, i, j]
    return dx
