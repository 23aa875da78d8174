"""Reference solution for freeze_except_last."""

from torch import nn


def freeze_except_last(model: nn.Sequential) -> nn.Sequential:
    for p in model.parameters():
        p.requires_grad = False
    # Activations and dropout own no parameters: skip them when looking for the last layer.
    with_params = [m for m in model if any(True for _ in m.parameters())]
    for p in with_params[-1].parameters():
        p.requires_grad = True
    return model
