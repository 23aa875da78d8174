"""Gain 1 by rule rather than by list: every conv*/conv_transpose* name, linear and sigmoid."""

import math

_CONVS = {f"conv{d}d" for d in (1, 2, 3)} | {f"conv_transpose{d}d" for d in (1, 2, 3)}


def kaiming_normal_std(fan_in, fan_out, nonlinearity="relu", mode="fan_in", a=0.0):
    if mode == "fan_in":
        fan = fan_in
    elif mode == "fan_out":
        fan = fan_out
    else:
        raise ValueError(f"unknown mode {mode}")
    if nonlinearity in _CONVS or nonlinearity in ("linear", "sigmoid"):
        gain = 1.0
    elif nonlinearity == "tanh":
        gain = 5 / 3
    elif nonlinearity in ("relu", "leaky_relu"):
        slope = a if nonlinearity == "leaky_relu" else 0.0
        gain = math.sqrt(2 / (1 + slope * slope))
    elif nonlinearity == "selu":
        gain = 0.75
    else:
        raise ValueError(f"unsupported nonlinearity {nonlinearity}")
    return gain / math.sqrt(fan)
