def conv_output_size(w, f, p=0, s=1):
    if min(w, f, s) < 1 or p < 0:
        raise ValueError("invalid sizes")
    out = int((w - f + 2 * p) / s) + 1
    if out < 1:
        raise ValueError("does not fit")
    return out
