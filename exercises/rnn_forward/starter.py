"""RNN over a sequence: a one-layer tanh RNN run over every time step, like torch.nn.RNN.

Run `dltutor check rnn_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from rnn_cell import rnn_cell


def rnn_forward(x: np.ndarray, h0: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
                b_ih: np.ndarray, b_hh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run h_t = tanh(x[t] W_ihᵀ + b_ih + h_(t-1) W_hhᵀ + b_hh) for t = 0 .. T-1, from h_(-1) = h0.

    x: (T, N, I) time-major inputs.   h0: (N, H) initial state.
    W_ih: (H, I)   W_hh: (H, H)   b_ih: (H,)   b_hh: (H,)
    Returns (outputs, h_n): outputs (T, N, H) with outputs[t] = h_t, and h_n = h_(T-1), shape (N, H).
    """
    # TODO: loop over time, carrying the hidden state from one step to the next.
    raise NotImplementedError("rnn_forward is not implemented yet")
