"""The paper's form: one square root of the ratio of the two (eps-padded) mean squares, and the
moving averages written as lerps towards the new value."""

import numpy as np


def adadelta_step(param, grad, square_avg, acc_delta, lr=1.0, rho=0.9, eps=1e-6):
    e_g2 = square_avg + (1 - rho) * (grad ** 2 - square_avg)
    update = np.sqrt((acc_delta + eps) / (e_g2 + eps)) * grad
    e_dx2 = acc_delta + (1 - rho) * (update ** 2 - acc_delta)
    return param - lr * update, e_g2, e_dx2
