import numpy as np


def style_loss(gen_features, style_features):
    return float(np.mean((gen_features - style_features) ** 2))
