"""tanh backward: the gradient of the loss with respect to tanh's input.

Run `dltutor check tanh_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def tanh_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return dx = dout * (1 - tanh(x)**2).

    dout: upstream gradient ∂L/∂y, any shape, float64.
    x: the input of the forward pass, same shape as dout.
    Returns ∂L/∂x with dout's shape, float64. Must stay finite for |x| up to 1000.
    """
    # TODO: compute t = tanh(x), then multiply dout by the local slope 1 - t**2.
    raise NotImplementedError("tanh_backward is not implemented yet")
