import numpy as np


def l2_grad(w, grad, weight_decay):
    return grad + 2 * weight_decay * w
