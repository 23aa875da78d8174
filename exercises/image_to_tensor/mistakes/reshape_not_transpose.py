"""Known mistake: reshape to (C, H, W) instead of moving the axis."""

import numpy as np


def image_to_tensor(image):
    if image.ndim == 2:
        image = image[:, :, None]  # a gray image has one channel
    return image.reshape(image.shape[2], image.shape[0], image.shape[1]).astype(np.float64) / 255.0
