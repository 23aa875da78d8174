"""Reference solution for bce_loss."""

import numpy as np


def bce_loss(p: np.ndarray, y: np.ndarray) -> float:
    # Negative log-likelihood of a Bernoulli label; log1p(-p) = log(1 - p), accurate near p = 0.
    per_element = -(y * np.log(p) + (1.0 - y) * np.log1p(-p))
    return float(np.mean(per_element))
