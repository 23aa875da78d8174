import math


def conv_output_size(w: int, f: int, p: int = 0, s: int = 1) -> int:
    # True division, then math.floor (an int in Python 3); range() counts the same positions.
    if min(w, f, s) < 1 or p < 0 or w + 2 * p - f < 0:
        raise ValueError("invalid sizes")
    out = math.floor((w + 2 * p - f) / s) + 1
    assert out == len(range(0, w + 2 * p - f + 1, s))
    return out
