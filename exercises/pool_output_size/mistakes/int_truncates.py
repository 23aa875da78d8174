def pool_output_size(w: int, k: int, s: int | None = None, p: int = 0,
                     ceil_mode: bool = False) -> int:
    if s is None:
        s = k
    if k < 1 or s < 1 or p < 0:
        raise ValueError(f"kernel size and stride must be >= 1 and padding >= 0 (k={k}, s={s}, p={p})")
    if 2 * p > k:
        raise ValueError(f"padding {p} is more than half the kernel size {k}")
    span = w + 2 * p - k
    if ceil_mode:
        out = -(-span // s) + 1
        if (out - 1) * s >= w + p:
            out -= 1
    else:
        out = int(span / s) + 1  # rounds toward zero, not down
    if out < 1:
        raise ValueError(f"no window fits: w={w}, k={k}, s={s}, p={p}")
    return out
