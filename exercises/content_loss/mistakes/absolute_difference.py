import numpy as np


def content_loss(gen_features, content_features):
    return float(np.mean(np.abs(gen_features - content_features)))
