import numpy as np


def adagrad_step(param, grad, state_sum, lr, t, eps=1e-10, lr_decay=0.0):
    state_sum = state_sum + grad ** 2
    clr = lr / (1.0 + t * lr_decay)
    return param - clr * grad / (np.sqrt(state_sum) + eps), state_sum
