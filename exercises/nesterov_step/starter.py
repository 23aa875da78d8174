"""SGD with Nesterov momentum, one step, as torch.optim.SGD(momentum=μ, nesterov=True) does it.

Run `dltutor check nesterov_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def nesterov_step(param: np.ndarray, grad: np.ndarray, buf: np.ndarray | None, lr: float,
                  momentum: float, weight_decay: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Take one Nesterov step and return (new_param, new_buf).

        d     = grad + weight_decay · param
        buf   = d                        on the first step (buf is None)
        buf   = momentum · buf + d       on every later step
        param = param − lr · (d + momentum · buf)      uses the NEW buf

    param, grad: float64 arrays of the same shape.  buf: the buffer this function returned on
    the previous step, or None on the first step.  Returns two new float64 arrays of param's
    shape.
    """
    # TODO: fold in weight decay, update the buffer, then step along d + momentum * buf.
    raise NotImplementedError("nesterov_step is not implemented yet")
