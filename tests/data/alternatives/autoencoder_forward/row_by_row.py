import numpy as np


def autoencoder_forward(x, W_enc, b_enc, W_dec, b_dec):
    codes, recons = [], []
    for row in x:
        c = W_enc @ row + b_enc
        c = c * (c > 0)
        codes.append(c)
        recons.append(W_dec @ c + b_dec)
    code, reconstruction = np.array(codes), np.array(recons)
    # mean over the features of each row, then over the rows: the same as over all N·D
    loss = np.mean(np.mean((reconstruction - x) ** 2, axis=1))
    return code, reconstruction, float(loss)
