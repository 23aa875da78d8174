"""In place, as torch.optim.RMSprop does it: square_avg (this function's own array from the
previous step, or the zeros it was given) is blended with *= and +=, the parameter moves with -=."""

import numpy as np


def rmsprop_step(param, grad, square_avg, lr, alpha=0.99, eps=1e-8):
    square_avg *= alpha
    square_avg += (1 - alpha) * grad ** 2
    avg = np.sqrt(square_avg)
    avg += eps
    param -= lr * grad / avg
    return param, square_avg
