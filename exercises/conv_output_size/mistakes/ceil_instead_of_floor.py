import math


def conv_output_size(w, f, p=0, s=1):
    if min(w, f, s) < 1 or p < 0 or f > w + 2 * p:
        raise ValueError("invalid sizes")
    return math.ceil((w - f + 2 * p) / s) + 1
