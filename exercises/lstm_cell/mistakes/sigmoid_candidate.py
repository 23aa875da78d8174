import numpy as np


def _s(z):
    return 1.0 / (1.0 + np.exp(-z))



def lstm_cell(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    gates = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    i, f, g, o = np.split(gates, 4, axis=1)
    c = _s(f) * c_prev + _s(i) * _s(g)
    return _s(o) * np.tanh(c), c
