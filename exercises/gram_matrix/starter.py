"""Gram matrix: the channel correlations that neural style transfer uses as "style".

Run `dltutor check gram_matrix` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def gram_matrix(features: np.ndarray) -> np.ndarray:
    """Return G = F Fᵀ / (C·H·W), where F = features reshaped to (C, H·W).

    features: (C, H, W) float64, one image's feature maps (channel-first).
    G[i, j] = sum over positions p of F[i, p]·F[j, p], divided by C·H·W.
    Returns G with shape (C, C), float64.
    """
    # TODO: flatten each channel into a row, multiply by the transpose, normalise.
    raise NotImplementedError("gram_matrix is not implemented yet")
