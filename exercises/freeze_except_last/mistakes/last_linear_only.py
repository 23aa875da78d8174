from torch import nn


def freeze_except_last(model):
    for p in model.parameters():
        p.requires_grad = False
    last_linear = [m for m in model if isinstance(m, nn.Linear)][-1]
    for p in last_linear.parameters():
        p.requires_grad = True
    return model
