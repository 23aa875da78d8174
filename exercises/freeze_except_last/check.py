"""Trusted check for freeze_except_last. The learner's function takes a torch nn.Sequential, so
`drive` builds the model from a plain spec (layer list, seed), hands it over, then runs one
forward/backward pass and returns plain data: for every parameter, [name, requires_grad,
got_grad]. The reference builds the same model, freezes it correctly and reports the same way."""

from itertools import pairwise

import numpy as np
import torch
from torch import nn

from tutor.grading.kit import Case


def _build(layers, seed):
    torch.manual_seed(seed)
    modules = []
    for spec in layers:
        kind = spec[0]
        if kind == "linear":
            modules.append(nn.Linear(int(spec[1]), int(spec[2]), bias=bool(spec[3])))
        elif kind == "layernorm":
            modules.append(nn.LayerNorm(int(spec[1])))
        elif kind == "dropout":
            modules.append(nn.Dropout(float(spec[1])))
        elif kind == "relu":
            modules.append(nn.ReLU())
        elif kind == "tanh":
            modules.append(nn.Tanh())
        elif kind == "sigmoid":
            modules.append(nn.Sigmoid())
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    return nn.Sequential(*modules).double()


def _report(model, layers, seed, batch):
    """One forward/backward pass, then [name, requires_grad, got_grad] for every parameter."""
    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, int(layers[0][1]), generator=gen, dtype=torch.float64)
    out = model(x)
    if out.requires_grad:  # when everything is frozen there is nothing to backpropagate
        (out ** 2).sum().backward()
    return [[name, bool(p.requires_grad), p.grad is not None]
            for name, p in model.named_parameters()]


def drive(fn, layers, seed, batch):
    model = _build(layers, seed)
    returned = fn(model)
    if isinstance(returned, nn.Module):  # returning the model (or nothing) are both fine
        model = returned
    return _report(model, layers, seed, batch)


def reference(layers, seed, batch):
    model = _build(layers, seed)
    for p in model.parameters():
        p.requires_grad_(False)
    last = [m for m in model if len(list(m.parameters())) > 0][-1]
    for p in last.parameters():
        p.requires_grad_(True)
    return _report(model, layers, seed, batch)


def _lin(i, o, bias=True):
    return ["linear", i, o, bias]


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        ("a plain MLP ending in a Linear",
         [_lin(4, 8), ["relu"], _lin(8, 3)]),
        ("ends with an activation after the last Linear",
         [_lin(4, 6), ["tanh"], _lin(6, 5), ["relu"], _lin(5, 2), ["sigmoid"]]),
        ("a single Linear: nothing to freeze",
         [_lin(3, 2)]),
        ("bias-free layers, the last one too",
         [_lin(5, 5, False), ["relu"], _lin(5, 4), ["relu"], _lin(4, 2, False)]),
        ("a deeper MLP with dropout",
         [_lin(6, 4), ["dropout", 0.3], ["relu"], _lin(4, 4), ["relu"], _lin(4, 3), ["relu"],
          _lin(3, 1)]),
        ("ends with a LayerNorm (a layer with parameters) and a Tanh",
         [_lin(4, 6), ["relu"], _lin(6, 3), ["layernorm", 3], ["tanh"]]),
        ("two Linears back to back, then a ReLU",
         [_lin(3, 4), _lin(4, 2), ["relu"]]),
    ]
    if hidden:
        acts = [["relu"], ["tanh"], ["sigmoid"], ["dropout", 0.2]]
        for _ in range(8):
            sizes = [int(v) for v in rng.integers(1, 7, size=int(rng.integers(2, 6)))]
            layers = []
            for a, b in pairwise(sizes):
                layers.append(_lin(a, b, bool(rng.random() < 0.7)))
                if rng.random() < 0.7:
                    layers.append(acts[int(rng.integers(0, len(acts)))])
            if rng.random() < 0.25:
                layers.append(["layernorm", sizes[-1]])
            specs.append((f"random MLP, sizes {sizes}", layers))
    return [Case({"layers": layers, "seed": int(rng.integers(0, 10_000)),
                  "batch": int(rng.integers(1, 5))}, label=label)
            for label, layers in specs]
