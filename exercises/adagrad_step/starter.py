"""Adagrad, one step, as torch.optim.Adagrad does it (no weight decay).

Run `dltutor check adagrad_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def adagrad_step(param: np.ndarray, grad: np.ndarray, state_sum: np.ndarray, lr: float, t: int,
                 eps: float = 1e-10, lr_decay: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Take one Adagrad step and return (new_param, new_state_sum).

        state_sum = state_sum + grad²                       element-wise
        lr_t      = lr / (1 + (t − 1) · lr_decay)           t = 1 on the first step
        param     = param − lr_t · grad / (√state_sum + eps)

    param, grad, state_sum: float64 arrays of the same shape (state_sum is what this function
    returned last step; on the first step it is filled with the initial accumulator value).
    Returns two float64 arrays of param's shape.
    """
    # TODO: accumulate grad², compute the decayed rate, then step.
    raise NotImplementedError("adagrad_step is not implemented yet")
