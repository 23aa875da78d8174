"""Trusted check for freeze_except_last. The learner's function takes a torch nn.Sequential, so
drive.py (the driver the learner's process runs) builds the model from a plain spec (layer list,
seed), hands it over, then runs one forward/backward pass and returns plain data: for every
parameter, [name, requires_grad, got_grad]. The reference builds the same model with drive.py's
own helpers, freezes it correctly and reports the same way."""

from itertools import pairwise

import numpy as np

from tutor.grading.kit import Case
from tutor.grading.trusted import load_sibling

_drive = load_sibling(__file__, "drive")  # the model builder and report the learner's run uses


def reference(layers, seed, batch):
    model = _drive._build(layers, seed)
    for p in model.parameters():
        p.requires_grad_(False)
    last = [m for m in model if len(list(m.parameters())) > 0][-1]
    for p in last.parameters():
        p.requires_grad_(True)
    return _drive._report(model, layers, seed, batch)


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
        ("a LayerNorm (it has parameters: freeze them too) before the Linear head",
         [_lin(5, 6), ["layernorm", 6], ["relu"], _lin(6, 4, False), ["layernorm", 4], ["tanh"],
          _lin(4, 2)]),
    ]
    if hidden:
        acts = [["relu"], ["tanh"], ["sigmoid"], ["dropout", 0.2]]
        for _ in range(8):
            sizes = [int(v) for v in rng.integers(1, 7, size=int(rng.integers(2, 6)))]
            layers = []
            for a, b in pairwise(sizes):
                layers.append(_lin(a, b, bool(rng.random() < 0.7)))
                if rng.random() < 0.3:
                    layers.append(["layernorm", b])
                if rng.random() < 0.7:
                    layers.append(acts[int(rng.integers(0, len(acts)))])
            if rng.random() < 0.25:
                layers.append(["layernorm", sizes[-1]])
            specs.append((f"random MLP, sizes {sizes}", layers))
    return [Case({"layers": layers, "seed": int(rng.integers(0, 10_000)),
                  "batch": int(rng.integers(1, 5))}, label=label)
            for label, layers in specs]
