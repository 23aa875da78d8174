"""In place, as torch.optim.Adagrad does it: the sum grows with += (it is this function's own
array from the previous step), the parameter moves with -=."""

import numpy as np


def adagrad_step(param, grad, state_sum, lr, t, eps=1e-10, lr_decay=0.0):
    state_sum += grad ** 2
    std = np.sqrt(state_sum)
    std += eps
    param -= (lr / (1 + (t - 1) * lr_decay)) * grad / std
    return param, state_sum
