def conv_output_size(w, f, p=0, s=1):
    # Count the filter's start positions one by one in the padded input.
    if w < 1 or f < 1 or s < 1 or p < 0:
        raise ValueError("invalid sizes")
    padded = w + 2 * p
    if f > padded:
        raise ValueError("the filter does not fit")
    count, start = 0, 0
    while start + f <= padded:
        count += 1
        start += s
    return count
