"""L2 regularization: the gradient of loss + (λ/2)·Σw² with respect to w.

Run `dltutor check l2_grad` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def l2_grad(w: np.ndarray, grad: np.ndarray, weight_decay: float) -> np.ndarray:
    """Return ∂/∂w [ J(w) + (λ/2) · Σ w² ]  given grad = ∂J/∂w and λ = weight_decay.

    w, grad: float64 arrays of the same shape.  Returns a float64 array of that shape.
    """
    # TODO: add the derivative of the penalty to the data gradient.
    raise NotImplementedError("l2_grad is not implemented yet")
