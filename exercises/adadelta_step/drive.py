"""How a case calls adadelta_step: K chained steps, the learner's own (param, square_avg,
acc_delta) fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.Adadelta."""

import numpy as np


def _snap(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def drive(fn, param, grads, lr=None, rho=None, eps=None):
    """Start both accumulators at zeros (as PyTorch does) and return every step's
    (param, square_avg, acc_delta). A case without lr, rho or eps leaves it out of the call, so
    the learner's default is used."""
    options = {name: value for name, value in (("lr", lr), ("rho", rho), ("eps", eps))
               if value is not None}
    p, s, a, out = param.copy(), np.zeros_like(param), np.zeros_like(param), []
    for g in grads:
        result = fn(p, g.copy(), s, a, **options)
        if not isinstance(result, tuple) or len(result) != 3:
            raise TypeError("adadelta_step must return a tuple (param, square_avg, acc_delta)")
        p, s, a = result
        out.append((_snap(p), _snap(s), _snap(a)))
    return out
