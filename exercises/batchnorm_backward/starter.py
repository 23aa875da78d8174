"""Batch normalization, backward pass (training mode), for x of shape (N, D).

Run `dltutor check batchnorm_backward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def batchnorm_backward(dout: np.ndarray, x: np.ndarray, gamma: np.ndarray,
                       eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (dx, dgamma, dbeta) for y = gamma · x̂ + beta in training mode, where per column
    x̂ = (x − mean) / √(var + eps), mean and biased var taken over the batch axis 0.

    dout: (N, D) upstream gradient ∂L/∂y.  x: (N, D) forward input.  gamma: (D,).
    Returns dx (N, D), dgamma (D,), dbeta (D,), all float64.
    """
    # TODO: recompute x̂ and σ, then dbeta, dgamma, and dx with the mean/variance terms.
    raise NotImplementedError("batchnorm_backward is not implemented yet")
