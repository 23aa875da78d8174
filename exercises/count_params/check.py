"""Trusted check for count_params: build the same layers as a torch.nn.Sequential (on the meta
device, so even VGG-16's 138 M parameters cost no memory) and sum p.numel() over
model.parameters(). Unknown types raise ValueError; so does torch's Conv2d when the channels are
not divisible by groups."""

import numpy as np
import torch
from torch import nn

from tutor.grading.kit import Case


def _module(layer):
    kind = layer["type"]
    if kind == "conv2d":
        k = layer["kernel"]
        return nn.Conv2d(layer["in"], layer["out"], k if isinstance(k, int) else tuple(k),
                         bias=layer.get("bias", True), groups=layer.get("groups", 1))
    if kind == "linear":
        return nn.Linear(layer["in"], layer["out"], bias=layer.get("bias", True))
    if kind == "batchnorm1d":
        return nn.BatchNorm1d(layer["features"], affine=layer.get("affine", True))
    if kind == "batchnorm2d":
        return nn.BatchNorm2d(layer["features"], affine=layer.get("affine", True))
    if kind == "layernorm":
        return nn.LayerNorm(layer["features"])
    if kind == "relu":
        return nn.ReLU()
    if kind == "maxpool2d":
        return nn.MaxPool2d(layer.get("kernel", 2))
    if kind == "avgpool2d":
        return nn.AvgPool2d(layer.get("kernel", 2))
    if kind == "flatten":
        return nn.Flatten()
    if kind == "dropout":
        return nn.Dropout(layer.get("p", 0.5))
    raise ValueError(f"unknown layer type {kind!r}")


def reference(layers):
    with torch.device("meta"):
        model = nn.Sequential(*[_module(layer) for layer in layers])
    return int(sum(p.numel() for p in model.parameters()))


def conv(cin, cout, k, **kw):
    return {"type": "conv2d", "in": cin, "out": cout, "kernel": k, **kw}


def linear(nin, nout, **kw):
    return {"type": "linear", "in": nin, "out": nout, **kw}


RELU = {"type": "relu"}
POOL = {"type": "maxpool2d", "kernel": 2}
FLAT = {"type": "flatten"}


def lenet5():
    return [conv(1, 6, 5), RELU, POOL, conv(6, 16, 5), RELU, POOL, FLAT,
            linear(400, 120), RELU, linear(120, 84), RELU, linear(84, 10)]


def vgg16():
    layers, cin = [], 3
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"]:
        if v == "M":
            layers.append(POOL)
        else:
            layers += [conv(cin, v, 3), RELU]
            cin = v
    layers += [FLAT, linear(512 * 7 * 7, 4096), RELU, {"type": "dropout", "p": 0.5},
               linear(4096, 4096), RELU, {"type": "dropout", "p": 0.5}, linear(4096, 1000)]
    return layers


def _random_stack(rng):
    layers, c = [], int(rng.integers(1, 4))
    for _ in range(int(rng.integers(1, 5))):
        g = int(rng.choice([1, 1, 2]))
        out = g * int(rng.integers(1, 9))
        cin = c if c % g == 0 else c * g
        if cin != c:
            layers.append(conv(c, cin, 1))
        bias = bool(rng.random() < 0.6)
        k = int(rng.integers(1, 6)) if rng.random() < 0.7 else [int(rng.integers(1, 6)),
                                                                int(rng.integers(1, 6))]
        spec = conv(cin, out, k, groups=g) if g > 1 else conv(cin, out, k)
        if not bias:
            spec["bias"] = False
        layers.append(spec)
        if rng.random() < 0.5:
            layers.append({"type": "batchnorm2d", "features": out,
                           "affine": bool(rng.random() < 0.8)})
        layers.append(RELU)
        c = out
    n = c * int(rng.integers(1, 17))
    layers += [{"type": "avgpool2d", "kernel": 2}, FLAT,
               linear(n, int(rng.integers(1, 50)), bias=bool(rng.random() < 0.7))]
    return layers


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        Case({"layers": lenet5()}, label="LeNet-5 (classic sizes)"),
        Case({"layers": vgg16()}, label="VGG-16"),
        Case({"layers": [linear(784, 256), RELU, linear(256, 64, bias=False), RELU,
                         {"type": "dropout", "p": 0.2}, linear(64, 10)]},
             label="an MLP, one layer without bias"),
        Case({"layers": [conv(3, 64, 7, bias=False), {"type": "batchnorm2d", "features": 64},
                         RELU, POOL, conv(64, 64, 3, bias=False),
                         {"type": "batchnorm2d", "features": 64}]},
             label="a ResNet-style stem: conv without bias, then batch norm"),
        Case({"layers": [conv(32, 32, 3, groups=32), {"type": "batchnorm2d", "features": 32},
                         RELU, conv(32, 64, 1), RELU, conv(64, 128, 3, groups=4, bias=False)]},
             label="depthwise-separable and grouped convs"),
        Case({"layers": [conv(2, 5, [3, 5], bias=False), conv(5, 4, [1, 2])]},
             label="rectangular kernels"),
        Case({"layers": [linear(20, 30, bias=False),
                         {"type": "batchnorm1d", "features": 30, "affine": False},
                         RELU, linear(30, 5), {"type": "layernorm", "features": 5}]},
             label="batch norm without affine, layer norm"),
        Case({"layers": [RELU, POOL, FLAT, {"type": "dropout", "p": 0.1}]},
             label="only parameter-free layers"),
        Case({"layers": []}, label="no layers"),
        Case({"layers": [linear(4, 4), {"type": "transformer", "features": 4}]},
             label="unknown layer type: raise ValueError"),
        Case({"layers": [conv(6, 4, 3, groups=4)]},
             label="in_channels not divisible by groups: raise ValueError"),
        Case({"layers": [conv(4, 6, 3, groups=4)]},
             label="in_channels divisible by groups but out_channels not: raise ValueError"),
        Case({"layers": [conv(8, 16, 3, groups=2), RELU, conv(16, 12, 1, groups=4)]},
             label="groups 2 then 4, both dividing in and out"),
    ]
    for _ in range(2):
        out.append(Case({"layers": _random_stack(rng)}, label="a random conv stack"))
    if hidden:
        for _ in range(10):
            out.append(Case({"layers": _random_stack(rng)}, label="a random conv stack"))
        out.append(Case({"layers": [conv(8, 12, 3, groups=3), conv(12, 12, 1, groups=12)]},
                        label="more groups"))
    return out
