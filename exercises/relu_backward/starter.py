"""ReLU backward: the gradient of the loss with respect to ReLU's input.

Run `dltutor check relu_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return dx = dout * relu'(x), where relu'(x) is 1 for x > 0 and 0 otherwise.

    dout: upstream gradient, any shape.  x: the forward input, same shape.
    Returns an array with dout's shape and dtype.
    """
    # TODO: build the mask of where x lets the gradient through, and apply it to dout.
    raise NotImplementedError("relu_backward is not implemented yet")
