import numpy as np


def content_loss(gen_features, content_features):
    return float(np.sum((gen_features - content_features) ** 2))
