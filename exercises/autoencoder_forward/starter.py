"""Autoencoder forward pass: encode, decode, and measure the reconstruction error.

Run `dltutor check autoencoder_forward` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from dense_forward import dense_forward


def autoencoder_forward(x: np.ndarray, W_enc: np.ndarray, b_enc: np.ndarray,
                        W_dec: np.ndarray, b_dec: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Return (code, reconstruction, loss).

        code           = relu(x W_encᵀ + b_enc)              (N, K)
        reconstruction = code W_decᵀ + b_dec                 (N, D)
        loss           = mean over all N·D elements of (reconstruction − x)²   (a float)

    x: (N, D).  W_enc: (K, D), b_enc: (K,).  W_dec: (D, K), b_dec: (D,).
    """
    # TODO: encoder (with ReLU), decoder (no activation), mean squared reconstruction error.
    raise NotImplementedError("autoencoder_forward is not implemented yet")
