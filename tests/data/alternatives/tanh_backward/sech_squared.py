"""tanh'(x) = 1 / cosh²(x); cosh(1000) = inf gives 0, the right answer."""

import numpy as np


def tanh_backward(dout, x):
    return dout / np.cosh(x) ** 2
