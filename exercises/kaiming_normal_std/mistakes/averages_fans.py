import math

_LINEAR = {"linear", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"}
GAINS = {"tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}


def _check(nonlinearity, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(mode)
    if nonlinearity not in _LINEAR and nonlinearity not in GAINS and nonlinearity != "leaky_relu":
        raise ValueError(nonlinearity)


def _gain(nonlinearity, a):
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + a ** 2))
    return GAINS[nonlinearity]


def kaiming_normal_std(fan_in, fan_out, nonlinearity="relu", mode="fan_in", a=0.0):
    _check(nonlinearity, mode)
    return _gain(nonlinearity, a) / math.sqrt((fan_in + fan_out) / 2)
