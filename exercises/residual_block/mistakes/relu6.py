import numpy as np


def relu(z):
    return np.clip(z, 0.0, 6.0)  # ReLU6: capped at 6


def residual_block(x, W1, b1, W2, b2):
    h = relu(x @ W1.T + b1)
    return relu(x + h @ W2.T + b2)
