"""How a case calls adam_step: K chained steps, the learner's own outputs fed back.

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference: it calls the learner's function and turns what comes back into plain data.
The trusted check (check.py) runs the same inputs through torch.optim.Adam."""

import numpy as np


def drive(fn, param, grads, m, v, t, lr=None, beta1=None, beta2=None, eps=None):
    """Call adam_step K times, feeding its own outputs back, and collect every step. A case
    without lr, beta1, beta2 or eps leaves it out of the call, so the learner's default is used."""
    options = {name: value for name, value in
               (("lr", lr), ("beta1", beta1), ("beta2", beta2), ("eps", eps)) if value is not None}
    p = np.array(param, dtype=np.float64)
    updates, ms, vs = [], [], []
    for k, g in enumerate(grads):
        before = p.copy()  # the learner may update p in place
        out = fn(p, np.array(g), np.array(m), np.array(v), t + k, **options)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise TypeError(f"adam_step must return a tuple (param, m, v); got {type(out).__name__}"
                            + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
        p, m, v = (np.asarray(x) for x in out)
        updates.append(p - before)
        ms.append(m)
        vs.append(v)
    return {"update": np.stack(updates), "m": np.stack(ms), "v": np.stack(vs)}
