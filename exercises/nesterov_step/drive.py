"""How a case calls nesterov_step: K chained steps, the learner's own (param, buf) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.SGD(nesterov=True)."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr, momentum, weight_decay=None):
    """Start with buf = None and return every step's (param, buf). A case without weight_decay
    leaves it out of the call, so the learner's default is used."""
    options = {} if weight_decay is None else {"weight_decay": weight_decay}
    p, buf, out = param.copy(), None, []
    for g in grads:
        p, buf = fn(p, g.copy(), buf, lr, momentum, **options)
        out.append((_snap(p), _snap(buf)))
    return out
