def square(x):
    return 2 * x
