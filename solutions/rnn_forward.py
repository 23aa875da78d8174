"""Reference solution for rnn_forward."""

import numpy as np


def rnn_forward(x: np.ndarray, h0: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
                b_ih: np.ndarray, b_hh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h = h0
    outputs = []
    for x_t in x:  # x is time-major: x[t] is the (N, I) batch at step t
        h = np.tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        outputs.append(h)  # the state after reading x[t]
    return np.stack(outputs), h
