import numpy as np


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                    padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, _, h, wd = x.shape
    _, _, kh, kw = w.shape
    p, s = padding, stride
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    h_out, w_out = dout.shape[2:]
    for i in range(h_out):
        for j in range(w_out):
            win = (slice(None), slice(None), slice(i * s, i * s + kh), slice(j * s, j * s + kw))
            g = dout[:, :, i, j]
            dw += np.tensordot(g, xp[win], axes=([0], [0]))
            dxp[win] += np.tensordot(g, w, axes=([1], [0]))
    dx = dxp
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
