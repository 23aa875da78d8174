import numpy as np


def _sigmoid(a):
    # np.where evaluates both branches (the unused one may overflow and warn), then keeps the
    # safe one: 1/(1+e^-a) for a >= 0, e^a/(1+e^a) below
    return np.where(a >= 0, 1.0 / (1.0 + np.exp(-a)), np.exp(a) / (1.0 + np.exp(a)))


def gru_cell(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    gi = np.einsum("ni,gi->ng", x, W_ih) + b_ih
    gh = np.einsum("nh,gh->ng", h_prev, W_hh) + b_hh
    H = h_prev.shape[1]
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return n + z * (h_prev - n)
