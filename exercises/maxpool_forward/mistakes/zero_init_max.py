import numpy as np


def maxpool_forward(x, k, stride):
    n, c, h, w = x.shape
    h_out = (h - k) // stride + 1
    w_out = (w - k) // stride + 1
    y = np.empty((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            best = np.zeros((n, c))  # running maximum, starting at 0
            for u in range(k):
                for v in range(k):
                    best = np.maximum(best, x[:, :, i * stride + u, j * stride + v])
            y[:, :, i, j] = best
    return y
