import copy


def freeze_except_last(model):
    model = copy.deepcopy(model)  # a copy: the caller's model is never changed
    for p in model.parameters():
        p.requires_grad = False
    with_params = [m for m in model if len(list(m.parameters())) > 0]
    for p in with_params[-1].parameters():
        p.requires_grad = True
    return model
