"""Count the trainable parameters of a stack of layers described as plain dicts.

Run `dltutor check count_params` (or press ctrl+r in the tutor) to test your code.
"""


def count_params(layers: list[dict]) -> int:
    """Return the total number of trainable parameters (what sum(p.numel() for p in
    model.parameters()) gives for the same layers in PyTorch).

        {"type": "conv2d", "in": C_in, "out": C_out, "kernel": k or [kh, kw],
         "bias": True, "groups": 1}               out·(in/groups)·kh·kw (+ out if bias)
        {"type": "linear", "in": n_in, "out": n_out, "bias": True}   in·out (+ out if bias)
        {"type": "batchnorm1d" or "batchnorm2d", "features": F, "affine": True}   2·F if affine
        {"type": "layernorm", "features": F}                           2·F
        {"type": "relu" | "maxpool2d" | "avgpool2d" | "flatten" | "dropout", ...}   0

    "bias", "groups" and "affine" may be missing (defaults above). Raise ValueError for an
    unknown type, or a conv2d whose in or out is not divisible by groups.
    """
    # TODO: add up each layer's weights and biases.
    raise NotImplementedError("count_params is not implemented yet")
