import numpy as np


def occlusion_map(image, label, weights, patch, stride, fill=0.0):
    # one working copy: paint the square, classify, then put the saved pixels back
    work = image.astype(np.float64)          # a copy
    H, W = work.shape
    heat = np.zeros(((H - patch) // stride + 1, (W - patch) // stride + 1))
    for i in range(heat.shape[0]):
        for j in range(heat.shape[1]):
            r, c = i * stride, j * stride
            saved = work[r:r + patch, c:c + patch].copy()
            work[r:r + patch, c:c + patch] = fill
            z = weights @ work.ravel()
            e = np.exp(z - np.max(z))
            heat[i, j] = e[label] / e.sum()
            work[r:r + patch, c:c + patch] = saved
    return heat
