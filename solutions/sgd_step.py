"""Reference solution for sgd_step."""

import numpy as np


def sgd_step(param: np.ndarray, grad: np.ndarray, lr: float,
             weight_decay: float = 0.0) -> np.ndarray:
    # PyTorch folds L2 weight decay into the gradient, then steps against it.
    g = grad + weight_decay * param
    return param - lr * g
