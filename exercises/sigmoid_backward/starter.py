"""Sigmoid backward: the gradient of the loss with respect to the sigmoid's input.

Run `dltutor check sigmoid_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def sigmoid_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return dx = dout * σ(x) * (1 - σ(x)), where σ(x) = 1 / (1 + exp(-x)).

    dout: upstream gradient ∂L/∂y, any shape, float64.
    x: the input of the forward pass, same shape as dout.
    Returns ∂L/∂x with dout's shape, float64. Must stay finite for |x| up to 1000.
    """
    # TODO: compute s = σ(x), then multiply dout by the local slope s * (1 - s).
    raise NotImplementedError("sigmoid_backward is not implemented yet")
