import numpy as np


def conv_as_matmul(w, in_h, in_w, stride=1, padding=0):
    kh, kw = w.shape
    ph, pw = in_h + 2 * padding, in_w + 2 * padding  # the padded image
    out_h = (ph - kh) // stride + 1
    out_w = (pw - kw) // stride + 1
    m = np.zeros((out_h * out_w, ph * pw))
    for i in range(out_h):
        for j in range(out_w):
            for u in range(kh):
                for v in range(kw):
                    m[i * out_w + j, (i * stride + u) * pw + (j * stride + v)] = w[u, v]
    return m
