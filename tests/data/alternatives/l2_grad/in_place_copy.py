"""On a copy of the data gradient, with numpy's fused in-place add."""

import numpy as np


def l2_grad(w, grad, weight_decay):
    total = np.array(grad, dtype=np.float64, copy=True)
    np.add(total, weight_decay * w, out=total)
    return total
