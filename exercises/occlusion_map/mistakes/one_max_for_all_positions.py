import numpy as np


def occlusion_map(image, label, weights, patch, stride, fill=0.0):
    H, W = image.shape
    rows = (H - patch) // stride + 1
    cols = (W - patch) // stride + 1
    occluded = np.repeat(image[None], rows * cols, axis=0)   # one copy per position
    for i in range(rows):
        for j in range(cols):
            occluded[i * cols + j, i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
    logits = occluded.reshape(rows * cols, H * W) @ weights.T   # (positions, classes)
    logits = logits - logits.max()   # one max over every position and class
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return probs[:, label].reshape(rows, cols)
