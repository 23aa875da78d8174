import numpy as np


def sgd_step(param, grad, lr, weight_decay=0.0):
    return param - lr * grad
