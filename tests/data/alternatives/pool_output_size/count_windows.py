def pool_output_size(w, k, s=None, p=0, ceil_mode=False):
    # Walk the window starts -p, -p + s, ... and count the windows PyTorch keeps.
    if s is None:
        s = k
    if k < 1 or s < 1 or p < 0 or 2 * p > k:
        raise ValueError("invalid pooling sizes")
    count = 0
    start = -p
    while True:
        if ceil_mode:
            # a new window while the previous one had not reached the padded end, and only if
            # it starts on the input (not in the right padding)
            keep = start - s + k < w + p and start < w
        else:
            keep = start + k <= w + p  # the whole window inside the padded input
        if not keep:
            break
        count += 1
        start += s
    if count < 1:
        raise ValueError("no window fits")
    return count
