import numpy as np


def lstm_cell(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    gates = np.einsum("ni,gi->ng", x, W_ih) + np.einsum("nh,gh->ng", h_prev, W_hh) + (b_ih + b_hh)
    N, H = h_prev.shape
    gates = gates.reshape(N, 4, H)
    # σ(z) = (1 + tanh(z / 2)) / 2: the tanh form of the sigmoid, finite everywhere
    sig = 0.5 * (1.0 + np.tanh(0.5 * gates))
    i, f, o = sig[:, 0], sig[:, 1], sig[:, 3]
    g = np.tanh(gates[:, 2])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c
