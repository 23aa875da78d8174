"""RMSprop, one step, as torch.optim.RMSprop does it (no momentum, not centered, no weight decay).

Run `dltutor check rmsprop_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def rmsprop_step(param: np.ndarray, grad: np.ndarray, square_avg: np.ndarray, lr: float,
                 alpha: float = 0.99, eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """Take one RMSprop step and return (new_param, new_square_avg).

        square_avg = alpha · square_avg + (1 − alpha) · grad²      element-wise
        param      = param − lr · grad / (√square_avg + eps)       eps outside the root

    param, grad, square_avg: float64 arrays of the same shape (square_avg is what this function
    returned last step; zeros on the first step).  Returns two float64 arrays of param's shape.
    """
    # TODO: update the moving average of grad², then step.
    raise NotImplementedError("rmsprop_step is not implemented yet")
