import numpy as np


def gram(f):
    F = f.reshape(f.shape[0], -1)
    return F @ F.T / f.size


def style_loss(gen_features, style_features):
    return float(np.mean(gram(gen_features - style_features) ** 2))
