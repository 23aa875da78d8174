import numpy as np


def conv_as_matmul(w: np.ndarray, in_h: int, in_w: int, stride: int = 1,
                   padding: int = 0) -> np.ndarray:
    # Build the matrix over the padded image (every tap has a column), then keep only the
    # columns of real pixels: the padding's columns multiply zeros anyway.
    kh, kw = w.shape
    ph, pw = in_h + 2 * padding, in_w + 2 * padding
    out_h, out_w = (ph - kh) // stride + 1, (pw - kw) // stride + 1
    big = np.zeros((out_h, out_w, ph, pw))
    for i in range(out_h):
        for j in range(out_w):
            big[i, j, i * stride:i * stride + kh, j * stride:j * stride + kw] = w
    big = big[:, :, padding:padding + in_h, padding:padding + in_w]
    return big.reshape(out_h * out_w, in_h * in_w)
