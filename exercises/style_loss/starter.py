"""Style loss: how differently two images' feature channels correlate (neural style transfer).

Run `dltutor check style_loss` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from gram_matrix import gram_matrix


def style_loss(gen_features: np.ndarray, style_features: np.ndarray) -> float:
    """Return mean((G_gen − G_style)²) over the C·C entries of the two Gram matrices.

    G = F Fᵀ / (C·H·W) with F = features reshaped to (C, H·W), as in gram_matrix.
    gen_features: (C, H1, W1)   style_features: (C, H2, W2)  (same C; sizes may differ)
    Returns a float.
    """
    # TODO: the Gram matrix of each input, then the mean squared difference.
    raise NotImplementedError("style_loss is not implemented yet")
