"""Reference solution for conv_output_size."""


def conv_output_size(w: int, f: int, p: int = 0, s: int = 1) -> int:
    if w < 1 or f < 1 or s < 1 or p < 0:
        raise ValueError(f"invalid sizes: w={w}, f={f}, p={p}, s={s}")
    if f > w + 2 * p:
        raise ValueError(f"a filter of width {f} does not fit in a padded input of width "
                         f"{w + 2 * p}")
    return (w - f + 2 * p) // s + 1
