import numpy as np


def square(x):
    return np.abs(x)
