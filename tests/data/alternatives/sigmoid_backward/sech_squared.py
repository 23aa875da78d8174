"""σ'(x) = 1 / (4 cosh²(x/2)); cosh overflows to inf for huge |x|, and 1/inf = 0 is right."""

import numpy as np


def sigmoid_backward(dout, x):
    return dout * 0.25 / np.cosh(0.5 * x) ** 2
