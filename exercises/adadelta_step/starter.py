"""Adadelta, one step, as torch.optim.Adadelta does it (no weight decay).

Run `dltutor check adadelta_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def adadelta_step(param: np.ndarray, grad: np.ndarray, square_avg: np.ndarray,
                  acc_delta: np.ndarray, lr: float = 1.0, rho: float = 0.9,
                  eps: float = 1e-6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Take one Adadelta step and return (new_param, new_square_avg, new_acc_delta).

        square_avg = rho · square_avg + (1 − rho) · grad²
        delta      = √(acc_delta + eps) / √(square_avg + eps) · grad
        acc_delta  = rho · acc_delta + (1 − rho) · delta²
        param      = param − lr · delta

    param, grad, square_avg, acc_delta: float64 arrays of the same shape (the two accumulators
    are what this function returned last step; zeros on the first step).
    Returns three float64 arrays of param's shape.
    """
    # TODO: update square_avg, compute delta, update acc_delta, then step.
    raise NotImplementedError("adadelta_step is not implemented yet")
