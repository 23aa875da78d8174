"""Reference solution for occlusion_map."""

import numpy as np


def occlusion_map(image: np.ndarray, label: int, weights: np.ndarray, patch: int, stride: int,
                  fill: float = 0.0) -> np.ndarray:
    H, W = image.shape
    rows = (H - patch) // stride + 1
    cols = (W - patch) // stride + 1
    heat = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occluded = image.copy()  # a fresh copy: only one square hidden at a time
            occluded[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
            logits = weights @ occluded.reshape(-1)
            logits = logits - logits.max()          # stable softmax
            probs = np.exp(logits) / np.exp(logits).sum()
            heat[i, j] = probs[label]
    return heat
