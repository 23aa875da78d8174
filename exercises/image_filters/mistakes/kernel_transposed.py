"""Known mistake: rows and columns of the kernel swapped."""

import numpy as np


def apply_filter(image, kernel):
    kernel = kernel.T
    kh, kw = kernel.shape
    h, w = image.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))  # zeros around the edge
    out = np.zeros((h, w))
    # Add up one shifted copy of the image per kernel entry, weighted by that entry.
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i:i + h, j:j + w]
    return out
