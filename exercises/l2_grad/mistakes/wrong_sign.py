import numpy as np


def l2_grad(w, grad, weight_decay):
    return grad - weight_decay * w
