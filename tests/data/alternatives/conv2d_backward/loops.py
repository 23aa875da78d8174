import numpy as np


def conv2d_backward(dout, x, w, stride=1, padding=0):
    # Every product w[k, c, u, v] * x[n, c, r, q] of the forward pass, one at a time, on the
    # unpadded x: a tap that lands on the padding has no input to send gradient to.
    N, C, H, W = x.shape
    K, _, KH, KW = w.shape
    _, _, H_out, W_out = dout.shape
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros(K)
    for n in range(N):
        for k in range(K):
            for i in range(H_out):
                for j in range(W_out):
                    g = dout[n, k, i, j]
                    db[k] += g
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                r = i * stride + u - padding
                                q = j * stride + v - padding
                                if 0 <= r < H and 0 <= q < W:
                                    dw[k, c, u, v] += g * x[n, c, r, q]
                                    dx[n, c, r, q] += g * w[k, c, u, v]
    return dx, dw, db
