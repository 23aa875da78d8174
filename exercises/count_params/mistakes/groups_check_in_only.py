NO_PARAMS = {"relu", "maxpool2d", "avgpool2d", "flatten", "dropout"}


def _kernel(layer):
    k = layer["kernel"]
    return (k, k) if isinstance(k, int) else k


def _check_groups(layer):
    g = layer.get("groups", 1)
    if layer["in"] % g:  # out_channels is never checked
        raise ValueError("groups")


def count_params(layers):
    total = 0
    for layer in layers:
        kind = layer["type"]
        if kind in NO_PARAMS:
            continue
        if kind == "conv2d":
            _check_groups(layer)
            kh, kw = _kernel(layer)
            total += layer["out"] * (layer["in"] // layer.get("groups", 1)) * kh * kw
            total += layer["out"] if layer.get("bias", True) else 0
        elif kind == "linear":
            total += layer["in"] * layer["out"] + (layer["out"] if layer.get("bias", True) else 0)
        elif kind in ("batchnorm1d", "batchnorm2d"):
            total += 2 * layer["features"] if layer.get("affine", True) else 0
        elif kind == "layernorm":
            total += 2 * layer["features"]
        else:
            raise ValueError(kind)
    return total
