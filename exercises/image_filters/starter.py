"""Classic image filters: slide a small kernel over a gray image.

Run `dltutor check image_filters` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def apply_filter(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Return the 2-D cross-correlation of image with kernel, the same size as image.

    image: (H, W) float64, gray values in [0, 1] (or 0-255).
    kernel: (kh, kw) float64, kh and kw odd; its centre sits on the output pixel.
    out[r, c] = Σ_i Σ_j kernel[i, j] · image[r + i − kh // 2, c + j − kw // 2],
    where pixels outside the image are 0 ('same' zero padding).
    """
    # TODO: pad the image with zeros, then add one weighted, shifted copy per kernel entry.
    raise NotImplementedError("apply_filter is not implemented yet")
