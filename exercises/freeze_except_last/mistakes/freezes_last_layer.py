def freeze_except_last(model):
    last = [m for m in model if len(list(m.parameters())) > 0][-1]
    for p in last.parameters():
        p.requires_grad = False
    return model
