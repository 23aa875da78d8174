"""Moments as steps towards the new value (torch's exp_avg.lerp_(grad, 1 − β1)):
m + (1 − β1)·(g − m), which is β1·m + (1 − β1)·g rearranged."""

import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m + (1 - beta1) * (grad - m)
    v = v + (1 - beta2) * (np.square(grad) - v)
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
