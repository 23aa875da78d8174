import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    n, _, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (wd + 2 * padding - kw) // stride + 1
    wf = w[:, :, ::-1, ::-1]  # "convolution flips the kernel"
    y = np.empty((n, c_out, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(window, wf, axes=([1, 2, 3], [1, 2, 3]))
    return y + b[None, :, None, None]
