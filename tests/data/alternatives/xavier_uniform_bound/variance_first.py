"""Through the variance: Var = gain²·2/(fan_in + fan_out), and U(−a, a) has variance a²/3."""

import math


def xavier_uniform_bound(fan_in, fan_out, gain=1.0):
    variance = gain ** 2 * 2.0 / (fan_in + fan_out)
    return math.sqrt(3.0 * variance)
