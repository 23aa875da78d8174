"""scikit-learn style: a fit step that returns the shift and scale, and an apply step."""

import numpy as np


def _fit(train, eps):
    mean = np.mean(train, axis=0, keepdims=True)
    scale = np.sqrt(np.var(train, axis=0, keepdims=True) + eps)
    return mean, scale


def input_normalize(train, x, eps=1e-5):
    mean, scale = _fit(train, eps)
    return (x - mean) * (1.0 / scale)
