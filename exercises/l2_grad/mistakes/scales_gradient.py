import numpy as np


def l2_grad(w, grad, weight_decay):
    return grad * (1 - weight_decay)
