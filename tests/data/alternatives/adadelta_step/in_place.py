"""In place, as torch.optim.Adadelta does it: both accumulators (this function's own arrays from
the previous step, or the zeros it was given) are blended with mul_/addcmul_-style *= and +=,
and the parameter moves with -=."""

import numpy as np


def adadelta_step(param, grad, square_avg, acc_delta, lr=1.0, rho=0.9, eps=1e-6):
    square_avg *= rho
    square_avg += (1 - rho) * grad * grad
    std = np.sqrt(square_avg + eps)
    delta = np.sqrt(acc_delta + eps)
    delta /= std
    delta *= grad
    acc_delta *= rho
    acc_delta += (1 - rho) * delta * delta
    param -= lr * delta
    return param, square_avg, acc_delta
