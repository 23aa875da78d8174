import numpy as np


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    h = h0
    outputs = []
    for x_t in x:
        a = x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        # tanh written out from exponentials: exp(±a) overflows to inf once |a| passes about 710
        h = (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))
        outputs.append(h)
    return np.stack(outputs), h
