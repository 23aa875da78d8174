import numpy as np


def rmsprop_step(param, grad, square_avg, lr, alpha=0.99, eps=1e-8):
    square_avg = (1 - alpha) * square_avg + alpha * grad ** 2
    return param - lr * grad / (np.sqrt(square_avg) + eps), square_avg
