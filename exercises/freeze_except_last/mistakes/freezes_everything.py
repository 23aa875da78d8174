def freeze_except_last(model):
    for p in model.parameters():
        p.requires_grad = False
    return model
