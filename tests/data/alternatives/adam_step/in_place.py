"""In place, as torch.optim.Adam's single-tensor code does it: the moments are copied once and
then updated with in-place operators; the denominator is √v / √(1 − β2ᵗ) + eps and the step size
lr / (1 − β1ᵗ); the parameter moves with -=."""

import math

import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = np.array(m, dtype=np.float64)
    v = np.array(v, dtype=np.float64)
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    denom = np.sqrt(v)
    denom /= math.sqrt(1 - beta2 ** t)
    denom += eps
    param -= (lr / (1 - beta1 ** t)) * m / denom
    return param, m, v
