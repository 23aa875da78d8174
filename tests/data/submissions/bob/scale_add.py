def scale_add(x, a, b):
    return b * x + a  # a and b swapped (a known mistake)
