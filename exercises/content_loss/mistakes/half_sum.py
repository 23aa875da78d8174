import numpy as np


def content_loss(gen_features, content_features):
    # Gatys et al.: L = 1/2 · Σ (F − P)²
    return float(0.5 * np.sum((gen_features - content_features) ** 2))
