import numpy as np


def content_loss(gen_features, content_features):
    # one squared distance per position, averaged over the positions
    sq = (gen_features - content_features) ** 2
    c_axis = sq.ndim - 3
    return float(np.mean(np.sum(sq, axis=c_axis)))
