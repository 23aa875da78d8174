"""Convolution output size.

Run `dltutor check conv_output_size` to test your code.
"""


def conv_output_size(w: int, f: int, p: int = 0, s: int = 1) -> int:
    """Return floor((w - f + 2p) / s) + 1, the output width of a convolution.

    w: input width, f: filter width, p: zero padding on each side, s: stride.
    Raise ValueError if w, f or s < 1, p < 0, or the filter does not fit (f > w + 2p).
    """
    # TODO: validate the sizes, then count the positions the filter can take.
    raise NotImplementedError("conv_output_size is not implemented yet")
