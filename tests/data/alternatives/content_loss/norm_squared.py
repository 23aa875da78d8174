"""The squared Frobenius norm of the difference over the number of elements, as a 0-d array."""

import numpy as np


def content_loss(gen_features, content_features):
    diff = np.subtract(gen_features, content_features)
    return np.linalg.norm(diff) ** 2 / np.prod(diff.shape)
