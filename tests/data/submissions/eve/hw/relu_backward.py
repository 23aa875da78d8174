"""Correct, but in a subfolder: the grader finds the only relu_backward.py below the top."""

import numpy as np


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0.0)
