def freeze_except_last(model):
    # names are "<index>.<weight|bias>": the last parameter's index is the last layer with any
    names = [name for name, _ in model.named_parameters()]
    last = names[-1].split(".")[0]
    for name, p in model.named_parameters():
        p.requires_grad = name.split(".")[0] == last
    return model
