def freeze_except_last(model):
    params = list(model.parameters())
    for p in params[:-1]:
        p.requires_grad = False
    return model
