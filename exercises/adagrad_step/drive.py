"""How a case calls adagrad_step: K chained steps, the learner's own (param, state_sum) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.Adagrad."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr, lr_decay, eps, initial_accumulator_value):
    """Start state_sum at the initial accumulator value, call the learner with t = 1, 2, ...,
    and return every step's (param, state_sum)."""
    p = param.copy()
    s = np.full_like(param, initial_accumulator_value)
    out = []
    for t, g in enumerate(grads, start=1):
        p, s = fn(p, g.copy(), s, lr, t, eps, lr_decay)
        out.append((_snap(p), _snap(s)))
    return out
