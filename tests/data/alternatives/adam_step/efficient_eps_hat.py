"""The paper's "efficient" form (Kingma & Ba, section 2): fold both bias corrections into the
step size and rescale eps to match, ε̂ = ε·√(1 − β2ᵗ). Algebraically the same update."""

import math

import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    root_c2 = math.sqrt(1 - beta2 ** t)
    lr_t = lr * root_c2 / (1 - beta1 ** t)
    eps_hat = eps * root_c2
    return param - lr_t * m / (np.sqrt(v) + eps_hat), m, v
