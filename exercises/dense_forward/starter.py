"""Dense layer forward: y = activation(x @ W.T + b), with W in torch.nn.Linear's layout.

Run `dltutor check dense_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str) -> np.ndarray:
    """Return y = g(x @ W.T + b).

    x: (N, D_in) float64.  W: (D_out, D_in) float64 (one row per output unit).  b: (D_out,).
    activation: "relu" (max(0, z)), "sigmoid" (1 / (1 + exp(-z))), "tanh" or "none" (z itself);
    raise ValueError for any other name.
    Returns (N, D_out) float64.
    """
    # TODO: compute the pre-activation z, then apply the activation chosen by name.
    raise NotImplementedError("dense_forward is not implemented yet")
