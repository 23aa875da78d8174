"""Reference solution for rmsprop_step."""

import numpy as np


def rmsprop_step(param, grad, square_avg, lr, alpha=0.99, eps=1e-8):
    # alpha weights the old average; the new squared gradient gets 1 - alpha.
    square_avg = alpha * square_avg + (1.0 - alpha) * grad * grad
    return param - lr * grad / (np.sqrt(square_avg) + eps), square_avg
