import math


def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
    return math.sqrt(6.0 / (fan_in + fan_out))
