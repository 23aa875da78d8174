def squared(x):  # the wrong function name
    return x * x
