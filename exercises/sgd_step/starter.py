"""One SGD step with optional L2 weight decay, following torch.optim.SGD.

Run `dltutor check sgd_step` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def sgd_step(param: np.ndarray, grad: np.ndarray, lr: float,
             weight_decay: float = 0.0) -> np.ndarray:
    """Return param - lr * (grad + weight_decay * param) as a new array.

    param: current values, any shape, float64.  grad: dL/dparam, same shape.
    lr: learning rate.  weight_decay: L2 coefficient (0.0 = plain SGD).
    """
    # TODO: add the weight-decay term to the gradient, then step against it.
    raise NotImplementedError("sgd_step is not implemented yet")
