import numpy as np


def maxpool_backward(dout: np.ndarray, x: np.ndarray, k: int, stride: int) -> np.ndarray:
    # The mask of the maximum, cut down to its first True in row-major order (PyTorch's rule
    # for ties): a running count of Trues along the flattened window is 1 only there.
    n, c, _, _ = x.shape
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            sl = (slice(None), slice(None), slice(i * stride, i * stride + k),
                  slice(j * stride, j * stride + k))
            flat = x[sl].reshape(n, c, -1)
            mask = flat == flat.max(axis=2, keepdims=True)
            first = mask & (np.cumsum(mask, axis=2) == 1)
            dx[sl] += (first * dout[:, :, i, j][:, :, None]).reshape(n, c, k, k)
    return dx
