"""Scale and add: y = a * x + b, elementwise."""

import numpy as np


def scale_add(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """Return a * x + b with x's shape."""
    # TODO: one line of numpy
    raise NotImplementedError("scale_add is not implemented yet")
