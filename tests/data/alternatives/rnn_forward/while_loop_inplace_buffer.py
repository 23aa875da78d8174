import numpy as np


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    T, N, _ = x.shape
    H = W_hh.shape[0]
    outputs = np.zeros((T, N, H))
    prev = h0.copy()
    t = 0
    while t < T:
        np.tanh(x[t] @ W_ih.T + b_ih + prev @ W_hh.T + b_hh, out=outputs[t])
        prev = outputs[t]
        t += 1
    return outputs, prev
