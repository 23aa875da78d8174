"""One LSTM step in PyTorch's layout.

Run `dltutor check lstm_cell` to test your code.
"""

import numpy as np


def lstm_cell(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (h, c) after one step.

    x (N, I), h_prev and c_prev (N, H), W_ih (4H, I), W_hh (4H, H), b_ih and b_hh (4H,).
    gates = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh, split into i, f, g, o (in that order);
    i, f, o use sigmoid, g uses tanh;  c = f*c_prev + i*g;  h = o*tanh(c).
    """
    # TODO: compute the gates, then the new cell state and hidden state.
    raise NotImplementedError("lstm_cell is not implemented yet")
