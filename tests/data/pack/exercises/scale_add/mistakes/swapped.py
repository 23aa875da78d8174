def scale_add(x, a, b):
    return b * x + a
