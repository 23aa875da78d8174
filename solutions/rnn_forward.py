"""Reference solution for rnn_forward, built on rnn_cell (see `requires` in exercise.toml)."""

import numpy as np
from rnn_cell import rnn_cell


def rnn_forward(x: np.ndarray, h0: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
                b_ih: np.ndarray, b_hh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h = h0
    outputs = []
    for x_t in x:  # x is time-major: x[t] is the (N, I) batch at step t
        h = rnn_cell(x_t, h, W_ih, W_hh, b_ih, b_hh)  # one step, the same weights every time
        outputs.append(h)  # the state after reading x[t]
    return np.stack(outputs), h
