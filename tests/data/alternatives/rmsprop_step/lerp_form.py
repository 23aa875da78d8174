"""The moving average written as a step towards g² (a lerp): s + (1 − α)·(g² − s), which is
α·s + (1 − α)·g² rearranged."""

import numpy as np


def rmsprop_step(param, grad, square_avg, lr, alpha=0.99, eps=1e-8):
    new_avg = square_avg + (1.0 - alpha) * (np.square(grad) - square_avg)
    return param - lr * grad / (np.sqrt(new_avg) + eps), new_avg
