import numpy as np


def rnn_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    # tanh(a) = 2·σ(2a) − 1; for a far below 0, exp(−2a) is inf and 2/inf − 1 is exactly −1
    with np.errstate(over="ignore"):
        return 2.0 / (1.0 + np.exp(-2.0 * a)) - 1.0
