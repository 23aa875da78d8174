"""Trusted check for kaiming_normal_std: the std of torch.nn.init.kaiming_normal_.

The reference takes the gain from torch.nn.init.calculate_gain(nonlinearity, a) and the fan from
torch's own fan helper for a (fan_out, fan_in) weight (as nn.Linear stores it), exactly as
kaiming_normal_ does; unsupported nonlinearities or modes raise torch's ValueError. It then
confirms the number against kaiming_normal_ itself: with the same seed, kaiming_normal_'s
weights divided by a standard normal sample give back the std."""

import math

import numpy as np
import torch
import torch.nn.init as init

from tutor.grading.kit import Case


def reference(fan_in, fan_out, nonlinearity, mode, a):
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
    text = f"fan_in={fan_in}, fan_out={fan_out}, {nonlinearity}, {mode}, a={a}"
    return Case({"fan_in": fan_in, "fan_out": fan_out, "nonlinearity": nonlinearity,
                 "mode": mode, "a": a}, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(512, 256, "relu", "fan_in", label="the lesson's example: √2/√512 = 0.0625"),
        _case(300, 100, "relu", "fan_out"),
        _case(128, 64, "leaky_relu", "fan_in", a=0.2),
        _case(50, 200, "leaky_relu", "fan_out", a=0.0, label="slope 0: the same as ReLU"),
        _case(256, 512, "tanh", "fan_in"),
        _case(100, 30, "linear", "fan_out"),
        _case(576, 128, "conv2d", "fan_in", label="a 3×3 conv with 64 input channels"),
        _case(64, 32, "selu", "fan_in"),
        _case(40, 90, "sigmoid", "fan_in"),
        _case(200, 7, "relu", "fan_in", a=0.5, label="a is ignored unless leaky_relu"),
        _case(10, 10, "swish", "fan_in", label="unknown nonlinearity: raise ValueError"),
        _case(10, 20, "relu", "fan_avg", label="unknown mode: raise ValueError"),
    ]
    if hidden:
        names = ["relu", "leaky_relu", "tanh", "linear", "sigmoid", "selu", "conv1d",
                 "conv3d", "conv_transpose2d"]
        for _ in range(10):
            out.append(_case(int(rng.integers(1, 600)), int(rng.integers(1, 600)),
                             str(rng.choice(names)), str(rng.choice(["fan_in", "fan_out"])),
                             a=float(rng.choice([0.0, 0.01, 0.1, 0.3, 1.0]))))
        out.append(_case(1, 1, "leaky_relu", "fan_in", a=1.0, label="slope 1: gain 1"))
        out.append(_case(8, 8, "gelu", "fan_out", label="unknown nonlinearity: raise ValueError"))
    return out
