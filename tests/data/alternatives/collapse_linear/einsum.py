"""The products written with np.einsum."""

import numpy as np


def collapse_linear(W1, b1, W2, b2):
    return np.einsum('oh,hd->od', W2, W1), np.einsum('oh,h->o', W2, b1) + b2
