"""Trusted check for grad_check: the true gradient of the same function from torch.autograd
(float64), the relative error against it, and x unchanged.

Central differences agree with the true gradient to ~1e-9 at these step sizes, a forward
difference is off by ~eps·f''/2 (~1e-5), and a step not halved by a factor of 2, so the
tolerance (rtol 1e-6, atol 1e-7) separates them. No entry of a true gradient is near 0 (x is
redrawn until each is 0 exactly or at least 0.2 in size), so the relative error of a correct
gradient stays at noise level (~1e-9) on both sides. The analytic gradients handed over are the true
one or one with a planted bug (an entry with the wrong sign, everything doubled, one entry
slightly off), so the error the learner reports must come out right both ways. Weights with an
exact 0 make an entry where both gradients are exactly 0: the error there must be 0, not NaN."""

import numpy as np
import torch

from tutor.grading.kit import Case
from tutor.grading.trusted import load_sibling

_drive = load_sibling(__file__, "drive")  # the function menu the learner's run uses

TINY = 1e-12


def _true_gradient(f_name, w, x):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    _drive._formula(f_name, torch, torch.tensor(w, dtype=torch.float64), t).backward()
    return t.grad.numpy()


def reference(f_name, w, x, analytic, eps=None):
    numeric = _true_gradient(f_name, w, x)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), TINY)
    error = float((np.abs(analytic - numeric) / scale).max())
    return {"numeric": numeric, "error": error, "x_after": np.array(x, dtype=np.float64)}


def _case(rng, f_name, shape, bug, eps, label, zero_weight=False):
    while True:  # redraw until no entry is near 0 (an exact 0 from a zero weight aside)
        x = rng.uniform(-1.5, 1.5, shape)
        w = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
        if zero_weight:
            w.flat[1] = 0.0
        true = _true_gradient(f_name, w, x)
        if np.all((np.abs(true) >= 0.2) | (true == 0.0)):
            break
    analytic = true.copy()
    if bug == "sign":
        analytic.flat[-1] *= -1.0
    elif bug == "double":
        analytic *= 2.0
    elif bug == "nudge":
        analytic.flat[0] += 1e-3 * max(1.0, abs(float(analytic.flat[0])))
    elif bug == "reversed":
        analytic = analytic.ravel()[::-1].reshape(shape).copy()
    inputs = {"f_name": f_name, "w": w, "x": x, "analytic": analytic}
    if eps is not None:
        inputs["eps"] = eps
    step = "default eps" if eps is None else f"eps {eps:g}"
    return Case(inputs, label=f"{f_name}, x {shape}, {step}: {label}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, "quadratic", (5,), None, None,
              "correct analytic gradient; one weight is 0, so one entry is 0 on both sides",
              zero_weight=True),
        _case(rng, "cubic", (2, 3), "sign", 1e-4, "the last entry's sign is flipped"),
        _case(rng, "tanh", (4,), "double", 1e-6, "the analytic gradient is doubled"),
        _case(rng, "sin_times_sum", (3, 2), None, 1e-5,
              "correct analytic gradient, every entry depends on all of x"),
        _case(rng, "softplus", (6,), "nudge", 1e-5, "one entry is off by 0.1 %"),
        _case(rng, "sum_squared", (2, 2, 2), "reversed", 1e-5, "entries in reverse order"),
        _case(rng, "quadratic", (1,), "double", 1e-5, "a single number, doubled"),
        _case(rng, "sum_squared", (4,), None, None, "correct analytic gradient"),
        # central differences are exact for a quadratic: only a cubic or tanh shows the step
        _case(rng, "tanh", (3, 3), None, None, "correct analytic gradient"),
    ]
    if hidden:
        names = ["quadratic", "cubic", "tanh", "softplus", "sin_times_sum", "sum_squared"]
        bugs = [None, "sign", "double", "nudge", "reversed"]
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 4))))
            eps = [None, 1e-5, 1e-6][int(rng.integers(0, 3))]
            out.append(_case(rng, str(rng.choice(names)), shape, bugs[int(rng.integers(0, 5))],
                             eps, "hidden", zero_weight=len(shape) == 1 and shape[0] > 1))
    return out
