import math


def pool_output_size(w: int, k: int, s: int | None = None, p: int = 0,
                     ceil_mode: bool = False) -> int:
    s = k if s is None else s
    if min(k, s) < 1 or p < 0 or p > k // 2:   # p > k // 2 is 2p > k for whole numbers
        raise ValueError("invalid pooling sizes")
    rounding = math.ceil if ceil_mode else math.floor
    out = rounding((w + 2 * p - k) / s) + 1
    if ceil_mode and (out - 1) * s - p >= w:   # the last window would start in the padding
        out -= 1
    if out <= 0:
        raise ValueError("no window fits")
    return out
