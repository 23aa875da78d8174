"""Gradient checking: estimate a gradient with central differences and measure how far an
analytic gradient (from your backward pass) is from it.

Run `dltutor check grad_check` (or press ctrl+r in the tutor) to test your code.
"""

import numpy as np


def grad_check(f, x: np.ndarray, analytic: np.ndarray, eps: float = 1e-5):
    """Return (numeric, error).

    f: a function of an array shaped like x, returning a float.
    x: float64 array, any shape: the point where the gradient is checked. Perturb it in place
       if you like, but leave it exactly as you found it.
    analytic: float64 array shaped like x: the gradient to check.
    numeric[i] = (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2·eps)   for every index i of x.
    error = max over i of |analytic[i] − numeric[i]| / max(|analytic[i]|, |numeric[i]|, 1e-12)
    """
    # TODO: loop over every index of x (np.ndindex), evaluate f on both sides, restore x[i].
    raise NotImplementedError("grad_check is not implemented yet")
