"""Correct alternative: one output pixel at a time, skipping kernel entries that fall outside
the image instead of padding."""

import numpy as np


def apply_filter(image, kernel):
    h, w = image.shape
    kh, kw = kernel.shape
    out = np.zeros_like(image, dtype=np.float64)
    for r in range(h):
        for c in range(w):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    y, x = r + i - kh // 2, c + j - kw // 2
                    if 0 <= y < h and 0 <= x < w:
                        total += kernel[i, j] * image[y, x]
            out[r, c] = total
    return out
