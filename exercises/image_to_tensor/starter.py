"""Image to tensor: the numbers in an image file, in the layout PyTorch expects.

Run `dltutor check image_to_tensor` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def image_to_tensor(image: np.ndarray) -> np.ndarray:
    """Return the image as float64 of shape (C, H, W) with values in [0, 1].

    image: uint8 array, (H, W, C) (C = 3 for RGB) or (H, W) for a gray image (then C = 1).
    Values 0..255 become 0.0..1.0.
    """
    # TODO: give a gray image a channel axis, move the channel axis first, scale to [0, 1].
    raise NotImplementedError("image_to_tensor is not implemented yet")
