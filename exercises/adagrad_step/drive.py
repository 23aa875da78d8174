"""How a case calls adagrad_step: K chained steps, the learner's own (param, state_sum) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.Adagrad."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr, initial_accumulator_value, lr_decay=None, eps=None):
    """Start state_sum at the initial accumulator value, call the learner with t = 1, 2, ...,
    and return every step's (param, state_sum). A case without eps or lr_decay leaves it out of
    the call, so the learner's default is used."""
    options = {name: value for name, value in (("eps", eps), ("lr_decay", lr_decay))
               if value is not None}
    p = param.copy()
    s = np.full_like(param, initial_accumulator_value)
    out = []
    for t, g in enumerate(grads, start=1):
        p, s = fn(p, g.copy(), s, lr, t, **options)
        out.append((_snap(p), _snap(s)))
    return out
