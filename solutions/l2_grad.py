"""Reference solution for l2_grad."""

import numpy as np


def l2_grad(w, grad, weight_decay):
    # d/dw (λ/2)·w² = λ·w, added to the data gradient.
    return grad + weight_decay * w
