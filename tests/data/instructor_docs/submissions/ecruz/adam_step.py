"""Homework 2 - Eva Cruz."""

import numpy as np


def adam_step(w, dw, mom, vel, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step: the new weights and the new (raw) moments."""
    mom = beta1 * mom + (1 - beta1) * dw  # first moment
    vel = beta2 * vel + (1 - beta2) * dw**2  # second moment
    mom_hat = mom / (1 - beta1**t)  # bias correction
    vel_hat = vel / (1 - beta2**t)
    w = w - lr * mom_hat / (np.sqrt(vel_hat) + eps)
    return w, mom, vel
