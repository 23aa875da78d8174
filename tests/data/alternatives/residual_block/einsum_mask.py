import numpy as np


def residual_block(x, W1, b1, W2, b2):
    # einsum instead of x @ W.T, and ReLU as a multiplication by the mask z > 0
    z1 = np.einsum("nd,hd->nh", x, W1) + b1
    h = z1 * (z1 > 0)
    z2 = x + np.einsum("nh,dh->nd", h, W2) + b2
    return z2 * (z2 > 0)
