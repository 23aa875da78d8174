import numpy as np


def occlusion_map(image, label, weights, patch, stride, fill=0.0):
    H, W = image.shape
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    heat = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occ = image.copy()
            occ[j * stride:j * stride + patch, i * stride:i * stride + patch] = fill
            z = weights @ occ.ravel()
            p = np.exp(z - z.max())
            p /= p.sum()
            heat[i, j] = p[label]
    return heat
