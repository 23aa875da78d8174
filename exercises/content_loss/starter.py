"""Content loss: how far a generated image's feature maps are from the content image's
(neural style transfer).

Run `dltutor check content_loss` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from mse_loss import mse_loss


def content_loss(gen_features: np.ndarray, content_features: np.ndarray) -> float:
    """Return the mean, over every element, of (gen_features − content_features)².

    gen_features, content_features: float64 arrays of the same shape, (C, H, W) or
    (1, C, H, W): feature maps of the generated and the content image at one layer.
    Returns a float (what F.mse_loss(gen, content) gives, reduction 'mean').
    """
    # TODO: the mean squared difference between the two feature maps.
    raise NotImplementedError("content_loss is not implemented yet")
