from math import prod


def _shapes(layer):
    """The shapes of the layer's parameters, as PyTorch would create them."""
    t = layer["type"]
    if t in ("relu", "maxpool2d", "avgpool2d", "flatten", "dropout"):
        return []
    if t == "linear":
        shapes = [(layer["out"], layer["in"])]
        return shapes + [(layer["out"],)] if layer.get("bias", True) else shapes
    if t == "conv2d":
        g = layer.get("groups", 1)
        if layer["in"] % g != 0 or layer["out"] % g != 0:
            raise ValueError("channels must be divisible by groups")
        k = layer["kernel"]
        kernel = (k, k) if isinstance(k, int) else tuple(k)
        shapes = [(layer["out"], layer["in"] // g) + kernel]
        return shapes + [(layer["out"],)] if layer.get("bias", True) else shapes
    if t in ("batchnorm1d", "batchnorm2d"):
        return [(layer["features"],)] * 2 if layer.get("affine", True) else []
    if t == "layernorm":
        return [(layer["features"],)] * 2
    raise ValueError(f"unknown layer type {t}")


def count_params(layers):
    return sum(prod(shape) for layer in layers for shape in _shapes(layer))
