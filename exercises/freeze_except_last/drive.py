"""How a case calls freeze_except_last: the learner's function takes a torch nn.Sequential, so
`drive` builds the model from a plain spec (layer list, seed), hands it over, then runs one
forward/backward pass and returns plain data: for every parameter, [name, requires_grad,
got_grad].

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference. check.py imports `_build` and `_report` from here (never the other way
round), so the reference builds and reports on the model exactly as the learner's run does."""

import torch
from torch import nn


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
    # The task is to change `model` in place: the report is always on the model passed in.
    # Returning that same model, or None, is fine. Another model (a frozen copy, a new
    # Sequential) means the caller's model was not the one prepared: ValueError; anything else
    # is the wrong kind of result: TypeError.
    if isinstance(returned, nn.Module) and returned is not model:
        raise ValueError("freeze_except_last returned a different model from the one it was "
                         "given: freeze that model's own parameters in place and return it "
                         "(or None)")
    if returned is not None and returned is not model:
        raise TypeError(f"freeze_except_last returned a {type(returned).__name__}: return the "
                        "model it was given (changed in place), or None")
    return _report(model, layers, seed, batch)
