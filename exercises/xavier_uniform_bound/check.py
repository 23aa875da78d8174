"""Trusted check for xavier_uniform_bound: the bound that torch.nn.init.xavier_uniform_ itself
passes to its uniform sampler, for a (fan_out, fan_in) weight as nn.Linear stores it.

The reference runs xavier_uniform_ with torch's private sampler `_no_grad_uniform_` wrapped, so
the (−a, a) that torch computes is recorded exactly (fans from torch's own fan helper, gain as
given); it then samples a real tensor to confirm every weight lies within [−a, a]. Some cases
leave gain out of their inputs: the learner's default (the README's 1.0) is then used, and
xavier_uniform_'s own default gain."""

import math

import numpy as np
import torch
import torch.nn.init as init

from tutor.grading.kit import Case


def reference(fan_in, fan_out, gain=None):
    seen = []
    original = init._no_grad_uniform_

    def recording(tensor, a, b, *args, **kwargs):
        seen.append((a, b))
        return original(tensor, a, b, *args, **kwargs)

    init._no_grad_uniform_ = recording
    try:
        w = torch.empty(fan_out, fan_in, dtype=torch.float64)
        if gain is None:
            init.xavier_uniform_(w)                  # torch's default gain
        else:
            init.xavier_uniform_(w, gain=gain)
    finally:
        init._no_grad_uniform_ = original
    (low, high), = seen
    assert low == -high and high > 0
    assert float(w.abs().max()) <= high
    assert init._calculate_fan_in_and_fan_out(w) == (fan_in, fan_out)
    return float(high)


def _case(fan_in, fan_out, gain, label=""):
    """gain None: left out of the inputs, so the learner's default is used."""
    inputs = {"fan_in": fan_in, "fan_out": fan_out}
    text = f"fan_in={fan_in}, fan_out={fan_out}"
    if gain is None:
        text += ", gain not passed"
    else:
        inputs["gain"] = gain
        text += f", gain={gain:.6g}"
    return Case(inputs, label=text + (f"; {label}" if label else ""))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(256, 128, None, label="the lesson's example with the default gain 1: a = 0.125"),
        _case(301, 50, None, label="the default gain must be 1 (odd fan_in + fan_out)"),
        _case(784, 100, 1.0, label="an MNIST hidden layer"),
        _case(100, 10, init.calculate_gain("tanh"), label="gain for tanh (5/3)"),
        _case(64, 64, math.sqrt(2.0), label="square layer, gain for ReLU (√2)"),
        _case(576, 128, init.calculate_gain("leaky_relu", 0.2),
              label="a 3×3 conv with 64 input channels (fan_in 576), leaky ReLU gain"),
        _case(1, 1, 1.0, label="a single weight"),
        _case(3, 1000, 0.5, label="very unequal fans, small gain"),
        _case(10, 2, init.calculate_gain("selu"), label="gain for SELU (3/4)"),
    ]
    if hidden:
        for _ in range(8):
            out.append(_case(int(rng.integers(1, 1500)), int(rng.integers(1, 1500)),
                             [None, 1.0, math.sqrt(2.0), 5.0 / 3, 0.3, 2.5][int(rng.integers(0, 6))]))
        out.append(_case(4096, 1, 1.0, label="one output"))
    return out
