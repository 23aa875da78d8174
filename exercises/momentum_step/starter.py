"""SGD with momentum, one step, in PyTorch's convention (torch.optim.SGD with momentum > 0).

Run `dltutor check momentum_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def momentum_step(param: np.ndarray, grad: np.ndarray, buf: np.ndarray | None, lr: float,
                  momentum: float, dampening: float = 0.0,
                  weight_decay: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Take one step and return (new_param, new_buf).

        d   = grad + weight_decay · param
        buf = d                                          on the first step (buf is None)
        buf = momentum · buf + (1 − dampening) · d       on every later step
        param = param − lr · buf

    param, grad: float64 arrays of the same shape.  buf: the buffer this function returned on
    the previous step, or None on the first step.  Returns two new float64 arrays of param's
    shape (you may also update param in place and return it).
    """
    # TODO: fold in weight decay, update the buffer (first step: a copy of d), then step.
    raise NotImplementedError("momentum_step is not implemented yet")
