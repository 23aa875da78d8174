"""Occlusion sensitivity map: which parts of the image does the classifier rely on?

Run `dltutor check occlusion_map` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def occlusion_map(image: np.ndarray, label: int, weights: np.ndarray, patch: int, stride: int,
                  fill: float = 0.0) -> np.ndarray:
    """Return heat, where heat[i, j] is the classifier's probability of class `label` when the
    patch×patch square with top-left corner (i*stride, j*stride) is replaced by `fill`.

    The classifier: logits = weights @ occluded.reshape(-1);  probs = softmax(logits).
    image: (H, W).  label: int in [0, K).  weights: (K, H*W).
    Returns heat with shape ((H - patch)//stride + 1, (W - patch)//stride + 1), float64.
    """
    # TODO: for every position, occlude a fresh copy, classify it, keep probs[label].
    raise NotImplementedError("occlusion_map is not implemented yet")
