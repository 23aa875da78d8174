"""GRU cell: one step of a gated recurrent unit, exactly as torch.nn.GRUCell computes it.

Run `dltutor check gru_cell` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def gru_cell(x: np.ndarray, h_prev: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray,
             b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """Return the new hidden state of a GRU (PyTorch conventions).

    The parameters stack three gates along their first axis, in the order r, z, n:
        W_ih = [W_ir; W_iz; W_in]  (3H, I)     b_ih = [b_ir; b_iz; b_in]  (3H,)
        W_hh = [W_hr; W_hz; W_hn]  (3H, H)     b_hh = [b_hr; b_hz; b_hn]  (3H,)

        r  = σ(x W_irᵀ + b_ir + h_prev W_hrᵀ + b_hr)          reset gate
        z  = σ(x W_izᵀ + b_iz + h_prev W_hzᵀ + b_hz)          update gate
        n  = tanh(x W_inᵀ + b_in + r ⊙ (h_prev W_hnᵀ + b_hn))  candidate state
        h  = (1 − z) ⊙ n + z ⊙ h_prev

    x: (N, I)   h_prev: (N, H).   Returns h with shape (N, H), float64.
    """
    # TODO: compute the two stacked products, split them into r, z, n blocks, apply the gates.
    raise NotImplementedError("gru_cell is not implemented yet")
