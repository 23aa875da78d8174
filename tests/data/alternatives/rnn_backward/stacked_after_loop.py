"""Collects every step's da first, then forms the weight gradients with one product each over
the whole (T·N) stack of rows."""

import numpy as np


def rnn_backward(x, h0, W_x, W_h, b, dh):
    T, N, _ = x.shape
    hs = np.empty((T + 1, *h0.shape))
    hs[0] = h0
    for t in range(T):
        hs[t + 1] = np.tanh(x[t] @ W_x.T + hs[t] @ W_h.T + b)
    das = np.empty_like(dh)
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        das[t] = (dh[t] + carry) * (1 - hs[t + 1] * hs[t + 1])
        carry = das[t] @ W_h
    rows = das.reshape(T * N, -1)
    dW_x = rows.T @ x.reshape(T * N, -1)
    dW_h = rows.T @ hs[:-1].reshape(T * N, -1)
    return dW_x, dW_h, rows.sum(axis=0), carry
