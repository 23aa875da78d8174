"""How a case calls momentum_step: K chained steps, the learner's own (param, buf) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.SGD(momentum=...)."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr, momentum, dampening=None, weight_decay=None):
    """Start with buf = None and return every step's (param, buf). A case without dampening or
    weight_decay leaves that argument out of the call, so the learner's default is used."""
    options = {name: value for name, value in
               (("dampening", dampening), ("weight_decay", weight_decay)) if value is not None}
    p, buf, out = param.copy(), None, []
    for g in grads:
        p, buf = fn(p, g.copy(), buf, lr, momentum, **options)
        out.append((_snap(p), _snap(buf)))
    return out
