"""Reference solution for autoencoder_forward."""

import numpy as np


def autoencoder_forward(x: np.ndarray, W_enc: np.ndarray, b_enc: np.ndarray,
                        W_dec: np.ndarray, b_dec: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    code = np.maximum(0.0, x @ W_enc.T + b_enc)   # encoder: dense layer + ReLU, (N, K)
    reconstruction = code @ W_dec.T + b_dec       # decoder: dense layer, no activation, (N, D)
    loss = float(np.mean((reconstruction - x) ** 2))  # averaged over all N*D elements
    return code, reconstruction, loss
