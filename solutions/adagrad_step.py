"""Reference solution for adagrad_step."""

import numpy as np


def adagrad_step(param, grad, state_sum, lr, t, eps=1e-10, lr_decay=0.0):
    state_sum = state_sum + grad * grad              # the sum includes this step's gradient
    clr = lr / (1.0 + (t - 1) * lr_decay)            # step 1 uses lr itself
    return param - clr * grad / (np.sqrt(state_sum) + eps), state_sum
