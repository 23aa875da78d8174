import numpy as np


def collapse_linear(W1, b1, W2, b2):
    return W1 @ W2, W2 @ b1 + b2
