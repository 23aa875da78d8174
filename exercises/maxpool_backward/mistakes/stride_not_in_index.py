import numpy as np


def maxpool_backward(dout, x, k, stride):
    n, c, _, _ = x.shape
    h_out, w_out = dout.shape[2:]
    dx = np.zeros_like(x)
    n_idx, c_idx = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i:i + k, j:j + k]
            u, v = np.divmod(window.reshape(n, c, k * k).argmax(axis=2), k)
            dx[n_idx, c_idx, i + u, j + v] += dout[:, :, i, j]
    return dx
