import numpy as np


def adadelta_step(param, grad, square_avg, acc_delta, lr=1.0, rho=0.9, eps=1e-6):
    # Adadelta needs no learning rate, so just subtract the update
    square_avg = rho * square_avg + (1 - rho) * grad ** 2
    delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
    acc_delta = rho * acc_delta + (1 - rho) * delta ** 2
    return param - delta, square_avg, acc_delta
