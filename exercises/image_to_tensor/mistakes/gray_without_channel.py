"""Known mistake: a gray image kept 2-D."""

import numpy as np


def image_to_tensor(image):
    if image.ndim == 2:
        return image.astype(np.float64) / 255.0
    return np.transpose(image, (2, 0, 1)).astype(np.float64) / 255.0
