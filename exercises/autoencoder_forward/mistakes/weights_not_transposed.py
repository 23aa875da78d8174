import numpy as np


def autoencoder_forward(x, W_enc, b_enc, W_dec, b_dec):
    code = np.maximum(0.0, x @ W_enc + b_enc)
    recon = code @ W_dec + b_dec
    return code, recon, float(np.mean((recon - x) ** 2))
