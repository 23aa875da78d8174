"""Trusted check for kaiming_normal_std: the std of torch.nn.init.kaiming_normal_.

The reference takes the gain from torch.nn.init.calculate_gain(nonlinearity, a) and the fan from
torch's own fan helper for a (fan_out, fan_in) weight (as nn.Linear stores it), exactly as
kaiming_normal_ does; unsupported nonlinearities or modes raise torch's ValueError. It then
confirms the number against kaiming_normal_ itself: with the same seed, kaiming_normal_'s
weights divided by a standard normal sample give back the std.

Some cases leave nonlinearity, mode and/or a out of their inputs: the learner's defaults (the
README's "relu", "fan_in" and 0.0) are then used, and the reference uses the same README
defaults (torch's kaiming_normal_ defaults to nonlinearity="leaky_relu" with a = 0, the same
gain as "relu" only while a = 0)."""

import math

import numpy as np
import torch
import torch.nn.init as init

from tutor.grading.kit import Case


def reference(fan_in, fan_out, nonlinearity="relu", mode="fan_in", a=0.0):
    w = torch.empty(fan_out, fan_in, dtype=torch.float64)
    fan = init._calculate_correct_fan(w, mode)            # ValueError for a bad mode
    gain = init.calculate_gain(nonlinearity, a)             # ValueError for a bad nonlinearity
    std = gain / math.sqrt(fan)
    init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity,
                         generator=torch.Generator().manual_seed(0))
    z = torch.empty(fan_out, fan_in, dtype=torch.float64).normal_(
        0, 1, generator=torch.Generator().manual_seed(0))
    ratio = (w / z)[z.abs() > 1e-3]
    assert torch.allclose(ratio, torch.full_like(ratio, std), rtol=1e-12, atol=0.0)
    return float(std)


def _case(fan_in, fan_out, nonlinearity, mode, a=0.0, label=""):
    """nonlinearity, mode or a None: left out of the inputs, so the learner's default is used."""
    inputs = {"fan_in": fan_in, "fan_out": fan_out}
    parts = [f"fan_in={fan_in}", f"fan_out={fan_out}"]
    for name, value in (("nonlinearity", nonlinearity), ("mode", mode), ("a", a)):
        if value is None:
            parts.append(f"{name} not passed")
        else:
            inputs[name] = value
            parts.append(f"a={value}" if name == "a" else str(value))
    return Case(inputs, label=", ".join(parts) + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(512, 256, None, None, None,
              label="the lesson's example with every default (relu, fan_in): √2/√512 = 0.0625"),
        _case(90, 400, "tanh", None, None, label="the default mode must be fan_in"),
        _case(300, 70, None, "fan_out", 0.3,
              label="the default nonlinearity must be relu, so a is ignored"),
        _case(120, 80, "leaky_relu", "fan_in", None,
              label="leaky_relu with the default slope a = 0: the ReLU gain √2"),
        _case(300, 100, "relu", "fan_out"),
        _case(128, 64, "leaky_relu", "fan_in", a=0.2),
        _case(50, 200, "leaky_relu", "fan_out", a=0.0, label="slope 0: the same as ReLU"),
        _case(256, 512, "tanh", "fan_in"),
        _case(100, 30, "linear", "fan_out"),
        _case(576, 128, "conv2d", "fan_in", label="a 3×3 conv with 64 input channels"),
        _case(96, 48, "conv1d", "fan_out", label="gain 1"),
        _case(81, 27, "conv3d", "fan_in", label="gain 1"),
        _case(32, 288, "conv_transpose1d", "fan_in", label="gain 1"),
        _case(144, 72, "conv_transpose2d", "fan_out", label="gain 1"),
        _case(216, 54, "conv_transpose3d", "fan_in", label="gain 1"),
        _case(64, 32, "selu", "fan_in"),
        _case(40, 90, "sigmoid", "fan_in"),
        _case(200, 7, "relu", "fan_in", a=0.5, label="a is ignored unless leaky_relu"),
        _case(10, 10, "swish", "fan_in", label="unknown nonlinearity: raise ValueError"),
        _case(10, 20, "relu", "fan_avg", label="unknown mode: raise ValueError"),
    ]
    if hidden:
        names = ["relu", "leaky_relu", "tanh", "linear", "sigmoid", "selu", "conv1d", "conv2d",
                 "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
        for _ in range(10):
            out.append(_case(int(rng.integers(1, 600)), int(rng.integers(1, 600)),
                             [None, *names][int(rng.integers(0, len(names) + 1))],
                             [None, "fan_in", "fan_out"][int(rng.integers(0, 3))],
                             a=[None, 0.0, 0.01, 0.1, 0.3, 1.0][int(rng.integers(0, 6))]))
        out.append(_case(1, 1, "leaky_relu", "fan_in", a=1.0, label="slope 1: gain 1"))
        out.append(_case(8, 8, "gelu", "fan_out", label="unknown nonlinearity: raise ValueError"))
    return out
