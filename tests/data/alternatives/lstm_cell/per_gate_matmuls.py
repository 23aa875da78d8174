import numpy as np


def _sigmoid(z):
    # stable: exp only ever sees −|z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_cell(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    # four separate matmuls, one per gate block of rows (i, f, g, o)
    H = h_prev.shape[1]
    pre = [x @ W_ih[k * H:(k + 1) * H].T + b_ih[k * H:(k + 1) * H]
           + h_prev @ W_hh[k * H:(k + 1) * H].T + b_hh[k * H:(k + 1) * H] for k in range(4)]
    i, f, o = _sigmoid(pre[0]), _sigmoid(pre[1]), _sigmoid(pre[3])
    g = np.tanh(pre[2])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
