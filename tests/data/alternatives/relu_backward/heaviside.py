"""np.heaviside with the value 0 at x == 0: the step function as the mask."""

import numpy as np


def relu_backward(dout, x):
    return dout * np.heaviside(x, 0.0)
