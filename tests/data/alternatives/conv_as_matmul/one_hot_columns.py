import numpy as np


def conv_as_matmul(w, in_h, in_w, stride=1, padding=0):
    # Column j of M is the convolution of the one-hot image e_j, computed with numpy.
    kh, kw = w.shape
    out_h = (in_h + 2 * padding - kh) // stride + 1
    out_w = (in_w + 2 * padding - kw) // stride + 1
    m = np.zeros((out_h * out_w, in_h * in_w))
    for col in range(in_h * in_w):
        e = np.zeros(in_h * in_w)
        e[col] = 1.0
        ep = np.pad(e.reshape(in_h, in_w), padding)
        y = np.empty((out_h, out_w))
        for i in range(out_h):
            for j in range(out_w):
                y[i, j] = np.sum(ep[i * stride:i * stride + kh, j * stride:j * stride + kw] * w)
        m[:, col] = y.ravel()
    return m
