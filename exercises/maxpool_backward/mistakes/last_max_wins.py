import numpy as np


def maxpool_backward(dout, x, k, stride):
    n, c, _, _ = x.shape
    h_out, w_out = dout.shape[2:]
    dx = np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    best, pos = -np.inf, None
                    for u in range(k):
                        for v in range(k):
                            val = x[b, ch, i * stride + u, j * stride + v]
                            if val >= best:  # a later equal value takes over
                                best, pos = val, (i * stride + u, j * stride + v)
                    dx[b, ch, pos[0], pos[1]] += dout[b, ch, i, j]
    return dx
