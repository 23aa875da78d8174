import numpy as np


def autoencoder_forward(x, W_enc, b_enc, W_dec, b_dec):
    pre = np.einsum("nd,kd->nk", x, W_enc) + b_enc
    code = np.where(pre > 0, pre, 0.0)
    reconstruction = np.einsum("nk,dk->nd", code, W_dec) + b_dec
    err = reconstruction - x
    loss = np.linalg.norm(err) ** 2 / err.size   # squared Frobenius norm over N·D
    return code, reconstruction, loss
