import numpy as np


def conv_as_matmul(w: np.ndarray, in_h: int, in_w: int, stride: int = 1,
                   padding: int = 0) -> np.ndarray:
    kh, kw = w.shape
    out_h = (in_h + 2 * padding - kh) // stride + 1
    out_w = (in_w + 2 * padding - kw) // stride + 1
    m = np.zeros((out_h * out_w, in_h * in_w), dtype=np.float64)
    for i in range(out_h):
        for j in range(out_w):
            row = i * out_w + j
            for u in range(kh):
                for v in range(kw):
                    a, c = i * stride + u - padding, j * stride + v - padding
                    if 0 <= a < in_h and 0 <= c < in_w:
                        m[row, a * in_w + c] = w[kh - 1 - u, kw - 1 - v]
    return m
