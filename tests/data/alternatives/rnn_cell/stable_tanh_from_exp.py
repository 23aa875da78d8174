import numpy as np


def rnn_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    # tanh from exp, stable: exp only ever sees −2|a| ≤ 0; expm1 keeps small |a| accurate
    e = np.expm1(-2.0 * np.abs(a))
    return np.sign(a) * (-e) / (2.0 + e)
