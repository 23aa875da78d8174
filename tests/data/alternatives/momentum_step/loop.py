"""Element by element, with a Python loop over the flattened arrays."""

import numpy as np


def momentum_step(param, grad, buf, lr, momentum, dampening=0.0, weight_decay=0.0):
    p = np.array(param, dtype=np.float64).ravel()
    g = np.asarray(grad, dtype=np.float64).ravel()
    first = buf is None
    b = np.zeros_like(p) if first else np.array(buf, dtype=np.float64).ravel()
    for i in range(p.size):
        d = g[i] + weight_decay * p[i]
        b[i] = d if first else momentum * b[i] + (1.0 - dampening) * d
        p[i] = p[i] - lr * b[i]
    return p.reshape(np.shape(param)), b.reshape(np.shape(param))
