"""Trusted check for l2_grad: autograd of  Σ(grad·w) + (λ/2)·Σw²  (whose gradient is grad plus
the penalty's), cross-checked against one step of torch.optim.SGD(lr=1, weight_decay=λ)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(w, grad, weight_decay):
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    g = torch.tensor(grad, dtype=torch.float64)
    loss = (g * wt).sum() + weight_decay / 2 * (wt ** 2).sum()   # ∂/∂w of the first term = grad
    loss.backward()
    total = wt.grad.numpy().copy()
    # the same thing through the optimizer: SGD(lr=1, weight_decay=λ) moves w by -(grad + λ·w)
    p = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, weight_decay=weight_decay)
    p.grad = g.clone()
    opt.step()
    moved = w - p.detach().numpy()
    scale = 1.0 + (np.abs(w).max() if w.size else 0.0)
    assert np.allclose(moved, total, rtol=1e-9, atol=1e-12 * scale), "autograd and SGD disagree"
    return total


def _case(rng, shape, wd, wscale=1.0, gscale=1.0, label=""):
    w = rng.standard_normal(shape) * wscale
    grad = rng.standard_normal(shape) * gscale
    return Case({"w": w, "grad": grad, "weight_decay": wd},
                label=f"shape {shape}, weight_decay={wd}, |w| ~ {wscale}"
                      + (f", |grad| ~ {gscale}" if gscale != 1.0 else "")
                      + (f"; {label}" if label else ""))


def _scaled_atol(case: Case) -> Case:
    """grad + λ·w can cancel to ~0, where only an absolute tolerance works; its float64 rounding
    is a few ulps of the larger term, so the floor is 1e-13 of max(|grad|, |λ·w|) in this case
    (a fixed atol would pass anything on tiny weights and gradients)."""
    w, grad, wd = case.inputs["w"], case.inputs["grad"], case.inputs["weight_decay"]
    size = max(float(np.abs(grad).max()), float(np.abs(wd * w).max())) if w.size else 0.0
    return Case(case.inputs, label=case.label, atol=1e-13 * size)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (6,), 0.1),
        _case(rng, (3, 4), 0.01, wscale=10.0),
        _case(rng, (2, 3, 2), 1.0),
        _case(rng, (5, 1), 1e-4, wscale=100.0),
        _case(rng, (4, 4), 0.0, label="no decay: the gradient unchanged"),
        _case(rng, (1,), 5.0, wscale=1000.0, label="large weights and decay"),
    ]
    z = _case(rng, (3, 5), 0.3, label="some weights exactly 0")
    z.inputs["w"][0, :] = 0.0
    z.inputs["w"][:, 2] = 0.0
    out.append(z)
    zg = _case(rng, (2, 4), 0.05, wscale=3.0, label="zero data gradient: only the penalty")
    zg.inputs["grad"][:] = 0.0
    out.append(zg)
    out.append(_case(rng, (3, 3), 0.5, wscale=1e-9, gscale=1e-9,
                     label="tiny weights and gradients: every value ~1e-9"))
    out.append(_case(rng, (0, 3), 0.1, label="an empty weight matrix"))
    out.append(_case(rng, (0,), 0.0, label="an empty vector, no decay"))
    if hidden:
        for _ in range(8):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([1e-3, 0.02, 0.5, 2.0])),
                             wscale=float(rng.choice([1e-6, 0.1, 1.0, 50.0])),
                             gscale=float(rng.choice([1e-6, 1.0, 10.0]))))
        out.append(_case(rng, (2, 0, 4), 0.3, label="an empty 3-D array"))
    return [_scaled_atol(case) for case in out]
