def freeze_except_last(model):
    # walk back from the end; the first module with parameters keeps them trainable.
    # Nothing is returned: the model is changed in place.
    found = False
    for module in reversed(list(model.children())):
        params = list(module.parameters())
        if params and not found:
            module.requires_grad_(True)
            found = True
        else:
            module.requires_grad_(False)
