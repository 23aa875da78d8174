import numpy as np


def style_loss(gen_features, style_features):
    g = np.einsum("ihw,jhw->ij", gen_features, gen_features) / gen_features.size
    s = np.einsum("ihw,jhw->ij", style_features, style_features) / style_features.size
    # the mean of the squared entries: the squared Frobenius norm over C·C
    return float(np.linalg.norm(g - s) ** 2 / g.size)
