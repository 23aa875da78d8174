import numpy as np


def gram_matrix(features):
    # positions in column-major order: any order works, as long as every channel uses the same one
    C = features.shape[0]
    F = np.stack([features[c].flatten(order="F") for c in range(C)])
    G = np.zeros((C, C))
    for i in range(C):
        for j in range(i, C):
            G[i, j] = G[j, i] = F[i] @ F[j]
    return G / F.size
