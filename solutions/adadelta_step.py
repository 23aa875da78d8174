"""Reference solution for adadelta_step."""

import numpy as np


def adadelta_step(param, grad, square_avg, acc_delta, lr=1.0, rho=0.9, eps=1e-6):
    # a moving average of g², as in RMSprop
    square_avg = rho * square_avg + (1.0 - rho) * grad * grad
    # the step's units come from the past steps: RMS(past updates) / RMS(gradients)
    delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
    # then the moving average of the squared updates, with this step's update
    acc_delta = rho * acc_delta + (1.0 - rho) * delta * delta
    return param - lr * delta, square_avg, acc_delta
