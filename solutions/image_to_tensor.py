"""Reference solution for image_to_tensor: (H, W, C) or (H, W) 0-255 integers to (C, H, W)
floats in [0, 1]."""

import numpy as np


def image_to_tensor(image):
    if image.ndim == 2:
        image = image[:, :, None]  # a gray image has one channel
    return np.transpose(image, (2, 0, 1)).astype(np.float64) / 255.0
