"""How a case calls rmsprop_step: K chained steps, the learner's own (param, square_avg) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.RMSprop."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr, alpha=None, eps=None):
    """Start square_avg at zeros (as PyTorch does) and return every step's (param, square_avg).
    A case without alpha or eps leaves it out of the call, so the learner's default is used."""
    options = {name: value for name, value in (("alpha", alpha), ("eps", eps))
               if value is not None}
    p, s, out = param.copy(), np.zeros_like(param), []
    for g in grads:
        p, s = fn(p, g.copy(), s, lr, **options)
        out.append((_snap(p), _snap(s)))
    return out
