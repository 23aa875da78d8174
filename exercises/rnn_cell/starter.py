"""RNN cell: one time step of a vanilla recurrent network (tanh), like torch.nn.RNNCell.

Run `dltutor check rnn_cell` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def rnn_cell(x: np.ndarray, h_prev: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
             b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """Return the new hidden state h = tanh(x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh).

    x: (N, I) inputs at this step.      h_prev: (N, H) previous hidden state.
    W_ih: (H, I)   W_hh: (H, H)   b_ih: (H,)   b_hh: (H,)
    Returns h with shape (N, H), float64.
    """
    # TODO: add the input term, the recurrent term and both biases, then apply tanh.
    raise NotImplementedError("rnn_cell is not implemented yet")
