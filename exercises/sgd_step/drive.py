"""How a case calls sgd_step: a K-step run on L(p) = 1/2 sum(scale * (p - center)^2), each output
chained as the next parameter.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same loss through torch.optim.SGD and autograd."""

import numpy as np


def drive(fn, param, scale, center, lr, weight_decay, steps):
    """Run `steps` updates with the learner's function, feeding each output back in."""
    p = np.array(param, dtype=np.float64)
    history = []
    for _ in range(steps):
        grad = scale * (p - center)
        if weight_decay is None:
            new = fn(p.copy(), grad, lr)
        else:
            new = fn(p.copy(), grad, lr, weight_decay=weight_decay)
        new = np.array(new, copy=True)
        history.append(new)
        p = np.asarray(new, dtype=np.float64)
    return history
