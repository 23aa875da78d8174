import numpy as np


def maxpool_backward(dout, x, k, stride):
    dx = np.zeros_like(x)
    h_out, w_out = dout.shape[2:]
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            mask = window == window.max(axis=(2, 3), keepdims=True)  # every copy of the max
            dx[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += \
                mask * dout[:, :, i, j][:, :, None, None]
    return dx
