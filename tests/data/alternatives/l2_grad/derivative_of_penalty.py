"""Written as the derivative of the penalty, (λ/2)·2w, with a loop over the elements."""

import numpy as np


def l2_grad(w, grad, weight_decay):
    out = np.empty_like(grad, dtype=np.float64)
    for i, (wi, gi) in enumerate(zip(w.flat, grad.flat)):
        out.flat[i] = gi + (weight_decay / 2) * (2 * wi)
    return out
