import numpy as np


def _gram(features):
    F = features.reshape(features.shape[-3], -1)
    return F @ F.T / features.size


def content_loss(gen_features, content_features):
    return float(np.mean((_gram(gen_features) - _gram(content_features)) ** 2))
