"""Reference solution for xavier_uniform_bound."""

import math


def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))   # average of the forward and backward needs
    return math.sqrt(3.0) * std                          # U(-a, a) has std a / sqrt(3)
