import numpy as np


def rnn_backward(x, h0, W_x, W_h, b, dh):
    hs = [h0]
    for x_t in x:
        hs.append(np.tanh(x_t @ W_x.T + hs[-1] @ W_h.T + b))
    dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    carry = np.zeros_like(h0)
    for t in reversed(range(len(x))):
        dh_t = dh[t] + carry
        da = dh_t * (1.0 - hs[t + 1] ** 2)
        dW_x += da.T @ x[t]
        dW_h += da.T @ hs[t]
        db += da.sum(axis=0)
        carry = da @ W_h.T
    return dW_x, dW_h, db, carry
