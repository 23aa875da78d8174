import numpy as np


def maxpool_backward(dout, x, k, stride):
    # One window at a time: np.argmax of the window is its first maximum in row-major order.
    dx = np.zeros_like(x)
    N, C, Ho, Wo = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    win = x[n, c, i * stride:i * stride + k, j * stride:j * stride + k]
                    u, v = np.unravel_index(np.argmax(win), win.shape)
                    dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]
    return dx
