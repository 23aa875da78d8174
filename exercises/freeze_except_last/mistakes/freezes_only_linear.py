from torch import nn


def freeze_except_last(model):
    for m in model:
        if isinstance(m, nn.Linear):  # a LayerNorm's weight and bias stay trainable
            for p in m.parameters():
                p.requires_grad = False
    with_params = [m for m in model if len(list(m.parameters())) > 0]
    for p in with_params[-1].parameters():
        p.requires_grad = True
    return model
