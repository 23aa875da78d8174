import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                    padding: int = 0):
    """dw as a correlation of x with (dilated) dout; dx as the "full" convolution of the
    dilated dout with the 180°-rotated kernel, then the padding cut off."""
    n, _, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2:]
    s, p = stride, padding
    hp, wp = h + 2 * p, wd + 2 * p
    # dout with stride-1 zeros between its values, placed on the padded grid's window starts
    dil = np.zeros((n, c_out, hp - kh + 1, wp - kw + 1))
    dil[:, :, :(h_out - 1) * s + 1:s, :(w_out - 1) * s + 1:s] = dout
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    # dw[k, c, u, v] = sum_n sum_a sum_b dil[n, k, a, b] * xp[n, c, a + u, b + v]
    win = sliding_window_view(xp, dil.shape[2:], axis=(2, 3))   # (n, c, kh, kw, A, B)
    dw = np.einsum("nkab,ncuvab->kcuv", dil, win)
    # full convolution: pad dil by k - 1, correlate with the rotated kernel
    full = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    rot = w[:, :, ::-1, ::-1]
    win = sliding_window_view(full, (kh, kw), axis=(2, 3))       # (n, k, hp, wp, kh, kw)
    dxp = np.einsum("nkhwuv,kcuv->nchw", win, rot)
    return dxp[:, :, p:p + h, p:p + wd], dw, dout.sum(axis=(0, 2, 3))
