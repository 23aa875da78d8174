"""Reference solution for gram_matrix."""

import numpy as np


def gram_matrix(features: np.ndarray) -> np.ndarray:
    C, H, W = features.shape
    F = features.reshape(C, H * W)       # one row per channel, positions in the same order
    return F @ F.T / (C * H * W)         # (C, C), normalised by the number of elements
