import numpy as np


def softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    log_z = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(z - log_z)
