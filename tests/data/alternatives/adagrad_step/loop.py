"""Element by element with math.sqrt, over the flattened arrays."""

import math

import numpy as np


def adagrad_step(param, grad, state_sum, lr, t, eps=1e-10, lr_decay=0.0):
    p = np.array(param, dtype=np.float64).ravel()
    s = np.array(state_sum, dtype=np.float64).ravel()
    g = np.asarray(grad, dtype=np.float64).ravel()
    rate = lr / (1.0 + (t - 1) * lr_decay)
    for i in range(p.size):
        s[i] += g[i] * g[i]
        p[i] -= rate * g[i] / (math.sqrt(s[i]) + eps)
    return p.reshape(np.shape(param)), s.reshape(np.shape(param))
