import numpy as np


def adagrad_step(param, grad, state_sum, lr, t, eps=1e-10, lr_decay=0.0):
    clr = lr / (1.0 + (t - 1) * lr_decay)
    param = param - clr * grad / (np.sqrt(state_sum) + eps)
    return param, state_sum + grad ** 2
