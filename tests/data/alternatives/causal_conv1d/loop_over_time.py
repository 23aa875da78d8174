import numpy as np


def causal_conv1d(x, w, b, dilation=1):
    # no padding: loop over output steps and taps, skipping taps that fall before time 0
    N, _, L = x.shape
    C_out, _, K = w.shape
    y = np.empty((N, C_out, L))
    for t in range(L):
        acc = np.tile(b, (N, 1))
        for k in range(K):
            src = t - (K - 1 - k) * dilation
            if src >= 0:
                acc += x[:, :, src] @ w[:, :, k].T
        y[:, :, t] = acc
    return y
