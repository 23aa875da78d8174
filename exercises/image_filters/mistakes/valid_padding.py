"""Known mistake: no padding: the 'valid' output, smaller than the image."""

import numpy as np


def apply_filter(image, kernel):
    kh, kw = kernel.shape
    h, w = image.shape
    padded = image
    h, w = h - kh + 1, w - kw + 1
    out = np.zeros((h, w))
    # Add up one shifted copy of the image per kernel entry, weighted by that entry.
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i:i + h, j:j + w]
    return out
