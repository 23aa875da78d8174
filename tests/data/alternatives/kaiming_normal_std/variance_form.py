"""Through the variance: Var = gain²/fan, from a table of squared gains (relu: 2, tanh: 25/9)."""

import math

_SQUARED = {"linear": 1.0, "sigmoid": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0,
            "conv_transpose1d": 1.0, "conv_transpose2d": 1.0, "conv_transpose3d": 1.0,
            "tanh": 25.0 / 9, "relu": 2.0, "selu": 9.0 / 16}


def kaiming_normal_std(fan_in, fan_out, nonlinearity="relu", mode="fan_in", a=0.0):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(mode)
    if nonlinearity == "leaky_relu":
        squared = 2.0 / (1 + a ** 2)
    elif nonlinearity in _SQUARED:
        squared = _SQUARED[nonlinearity]
    else:
        raise ValueError(nonlinearity)
    return math.sqrt(squared / (fan_in if mode == "fan_in" else fan_out))
