"""Weights counted per group: groups × (out/groups outputs) × (in/groups channels) × kh × kw,
written as (out // groups) · in · kh · kw: the same product as out · (in/groups) · kh · kw."""

NO_PARAMS = {"relu", "maxpool2d", "avgpool2d", "flatten", "dropout"}


def _layer_params(layer):
    kind = layer["type"]
    if kind in NO_PARAMS:
        return 0
    if kind == "conv2d":
        k = layer["kernel"]
        kh, kw = (k, k) if isinstance(k, int) else k
        groups = layer.get("groups", 1)
        if layer["in"] % groups or layer["out"] % groups:
            raise ValueError("in and out channels must be divisible by groups")
        weights = (layer["out"] // groups) * layer["in"] * kh * kw   # out/groups filters per group
        return weights + (layer["out"] if layer.get("bias", True) else 0)
    if kind == "linear":
        return layer["in"] * layer["out"] + (layer["out"] if layer.get("bias", True) else 0)
    if kind in ("batchnorm1d", "batchnorm2d"):
        return 2 * layer["features"] if layer.get("affine", True) else 0   # gamma, beta only
    if kind == "layernorm":
        return 2 * layer["features"]
    raise ValueError(f"unknown layer type {kind!r}")


def count_params(layers):
    return sum(_layer_params(layer) for layer in layers)
