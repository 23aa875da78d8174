"""Pooling output size along one axis, with PyTorch's default stride and ceil_mode.

Run `dltutor check pool_output_size` (or press ctrl+r in the tutor) to test your code.
"""


def pool_output_size(w: int, k: int, s: int | None = None, p: int = 0,
                     ceil_mode: bool = False) -> int:
    """Return the number of pooling windows along an axis of size w.

    s None means s = k.  Floor mode: out = (w + 2p − k) // s + 1.
    Ceil mode: out = ceil((w + 2p − k) / s) + 1, minus 1 if (out − 1)·s ≥ w + p.
    Raise ValueError if k < 1, s < 1, p < 0, 2·p > k, or out < 1.
    """
    # TODO: fill in the default stride, validate, then count the windows.
    raise NotImplementedError("pool_output_size is not implemented yet")
