import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    # im2col: every window becomes a column, then the whole layer is one matrix product.
    n, c_in, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    s, p = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    h_out, w_out = (h + 2 * p - kh) // s + 1, (wd + 2 * p - kw) // s + 1
    cols = np.empty((c_in * kh * kw, n * h_out * w_out))
    row = 0
    for c in range(c_in):
        for u in range(kh):
            for v in range(kw):
                patch = xp[:, c, u:u + s * (h_out - 1) + 1:s, v:v + s * (w_out - 1) + 1:s]
                cols[row] = patch.reshape(-1)        # (n, h_out, w_out) flattened
                row += 1
    y = w.reshape(c_out, -1) @ cols + b[:, None]     # (c_out, n·h_out·w_out)
    return y.reshape(c_out, n, h_out, w_out).transpose(1, 0, 2, 3)
