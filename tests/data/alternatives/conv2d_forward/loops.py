import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    # Textbook loops, reading the unpadded x and skipping the taps that land on the padding.
    N, C, H, W = x.shape
    K, _, KH, KW = w.shape
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, K, H_out, W_out))
    for n in range(N):
        for k in range(K):
            for i in range(H_out):
                for j in range(W_out):
                    total = b[k]
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                r = i * stride + u - padding
                                q = j * stride + v - padding
                                if 0 <= r < H and 0 <= q < W:
                                    total += w[k, c, u, v] * x[n, c, r, q]
                    y[n, k, i, j] = total
    return y
