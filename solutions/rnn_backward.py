"""Reference solution for rnn_backward."""

import numpy as np


def rnn_backward(x, h0, W_x, W_h, b, dh):
    # forward, keeping every state: hs[0] = h0, hs[t + 1] = h_t
    hs = [h0]
    for x_t in x:
        hs.append(np.tanh(x_t @ W_x.T + hs[-1] @ W_h.T + b))
    dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    carry = np.zeros_like(h0)                  # dL/dh_t through the later steps
    for t in reversed(range(len(x))):
        dh_t = dh[t] + carry                   # the loss's own share + what step t+1 sent back
        da = dh_t * (1.0 - hs[t + 1] ** 2)     # through tanh: tanh'(a) = 1 - h²
        dW_x += da.T @ x[t]                    # the same weights at every step: accumulate
        dW_h += da.T @ hs[t]                   # hs[t] is h_(t-1), the state this step read
        db += da.sum(axis=0)
        carry = da @ W_h                       # back into h_(t-1)
    return dW_x, dW_h, db, carry
