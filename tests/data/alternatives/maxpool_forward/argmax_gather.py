import numpy as np


def maxpool_forward(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    # Find each window's winner (first maximum, row-major) and read its value back.
    n, c, h, w = x.shape
    h_out, w_out = (h - k) // stride + 1, (w - k) // stride + 1
    y = np.zeros((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            win = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k].reshape(n, c, -1)
            idx = win.argmax(axis=2)
            y[:, :, i, j] = np.take_along_axis(win, idx[:, :, None], axis=2)[:, :, 0]
    return y
