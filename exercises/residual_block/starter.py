"""Residual block: y = relu(x + F(x)) with F a two-layer fully connected branch.

Run `dltutor check residual_block` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np

# Optional: build on your earlier exercises, the files beside this one (see README.md):
# from dense_forward import dense_forward


def residual_block(x: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
                   b2: np.ndarray) -> np.ndarray:
    """Return y = relu(x + F(x)), F(x) = relu(x @ W1.T + b1) @ W2.T + b2.

    x: (N, D).  W1: (H, D), b1: (H,).  W2: (D, H), b2: (D,)  (nn.Linear layout: (out, in)).
    Output: (N, D).
    """
    # TODO: compute the branch F(x), add the shortcut x, apply the final ReLU.
    raise NotImplementedError("residual_block is not implemented yet")
