"""How a case calls grad_check: build the function f from a small fixed menu (chosen by the
case's `f_name`, with weights `w`), hand it over with x and the analytic gradient to test, and
return what comes back plus x as it is after the call (a gradient check must leave it as found).

This is the only exercise file the jailed child (the learner's process) imports, so it holds no
case and no reference. check.py builds the same menu on torch tensors with `_formula` from here
and differentiates it with torch.autograd."""

import numpy as np


def _formula(name, lib, w, x):
    """f(x) for the menu entry `name`, written once for numpy and torch (`lib`)."""
    if name == "quadratic":
        return (w * x**2).sum()
    if name == "cubic":
        return (w * x**3).sum()
    if name == "tanh":
        return lib.tanh(w * x).sum()
    if name == "softplus":
        return (w * lib.log1p(lib.exp(x))).sum()
    if name == "sin_times_sum":
        return lib.sin(x).sum() * (w * x).sum()
    if name == "sum_squared":
        return (w * x).sum() ** 2
    raise ValueError(f"unknown function {name!r}")


def drive(fn, f_name, w, x, analytic, eps=None):
    """Returns {"numeric": ..., "error": ..., "x_after": x after the call}."""
    weights = np.array(w, dtype=np.float64)

    def f(point):
        return float(_formula(f_name, np, weights, np.asarray(point, dtype=np.float64)))

    x_in = np.array(x, dtype=np.float64)
    options = {} if eps is None else {"eps": eps}
    out = fn(f, x_in, np.array(analytic, dtype=np.float64), **options)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError("grad_check must return a tuple (numeric, error); got "
                        f"{type(out).__name__}"
                        + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    numeric, error = out
    try:
        error = float(error)
    except (TypeError, ValueError):
        raise TypeError("the error grad_check returns should be one number (the largest "
                        f"relative error); got {type(error).__name__}") from None
    return {"numeric": np.asarray(numeric), "error": error, "x_after": x_in}
