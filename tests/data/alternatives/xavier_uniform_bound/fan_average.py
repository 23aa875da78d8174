"""With the average fan: a = gain·√(3 / fan_avg), fan_avg = (fan_in + fan_out)/2 (true division)."""

import math


def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
    fan_avg = (fan_in + fan_out) / 2
    return gain * math.sqrt(3 / fan_avg)
