import numpy as np


def rmsprop_step(param, grad, square_avg, lr, alpha=0.99, eps=1e-8):
    param = param - lr * grad / (np.sqrt(square_avg) + eps)
    return param, alpha * square_avg + (1 - alpha) * grad ** 2
