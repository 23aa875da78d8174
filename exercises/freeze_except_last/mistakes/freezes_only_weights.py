def freeze_except_last(model):
    layers = [m for m in model if len(list(m.parameters())) > 0]
    for layer in layers[:-1]:
        layer.weight.requires_grad = False
    return model
