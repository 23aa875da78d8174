"""Known mistake: scaled but left channels last."""

import numpy as np


def image_to_tensor(image):
    if image.ndim == 2:
        image = image[:, :, None]  # a gray image has one channel
    return image.astype(np.float64) / 255.0
