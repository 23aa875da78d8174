import numpy as np


def _sigmoid(a):
    # the tanh form of the sigmoid: σ(a) = (1 + tanh(a / 2)) / 2, finite for every a
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    # one matmul per gate, slicing the stacked parameters by rows
    H = h_prev.shape[1]
    rows = {"r": slice(0, H), "z": slice(H, 2 * H), "n": slice(2 * H, 3 * H)}
    pre_i = {g: x @ W_ih[s].T + b_ih[s] for g, s in rows.items()}
    pre_h = {g: h_prev @ W_hh[s].T + b_hh[s] for g, s in rows.items()}
    r = _sigmoid(pre_i["r"] + pre_h["r"])
    z = _sigmoid(pre_i["z"] + pre_h["z"])
    n = np.tanh(pre_i["n"] + r * pre_h["n"])
    return z * h_prev + (1.0 - z) * n
