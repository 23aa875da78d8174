import numpy as np


def collapse_linear(W1, b1, W2, b2):
    return W2 @ W1, b2
