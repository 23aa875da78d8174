"""Trusted check for mlp_backward: the same network in PyTorch (float64, F.linear, torch.relu,
F.cross_entropy mean), gradients from autograd. Batch of 1, H = 1, C = 2, pre-activations that are
exactly 0 (dyadic inputs, an all-zero input row with zero biases), logits in the thousands next to
logits of ~1, second-layer weights large enough that dh and dz1 exceed 1."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, n: int, d: int, h: int, c: int, label: str = "",
          dyadic: bool = False) -> Case:
    if dyadic:
        # multiples of 1/2 with small magnitudes: sums are exact, so many z1 are exactly 0
        draw = lambda shape: rng.integers(-2, 3, size=shape).astype(np.float64) / 2.0  # noqa: E731
    else:
        draw = rng.standard_normal
    inputs = {
        "x": draw((n, d)),
        "y": rng.integers(0, c, size=n).astype(np.int64),
        "W1": draw((h, d)),
        "b1": draw((h,)),
        "W2": draw((c, h)),
        "b2": draw((c,)),
    }
    return _make(inputs, label or f"N={n}, D={d}, H={h}, C={c}")


def _make(inputs: dict, label: str) -> Case:
    """A case whose atol is scaled to the sizes of the terms its gradients sum.

    Every row of dlogits sums to at most 2 in absolute value, so the terms of dW2 and db2 are
    bounded by 2·max|h| (h ≤ Σ|x||W1| + |b1|), those of dW1 and db1 by 2·max_j Σ_c |W2[c, j]| ×
    max(1, |x|). Summed in another order than PyTorch's they round by ~1e-16 × that size, so
    atol = 1e-14 × size: a fixed 1e-12 would be too tight for inputs in the hundreds and too
    loose for small ones."""
    x, W1, b1, W2 = (inputs[k] for k in ("x", "W1", "b1", "W2"))
    h_size = float((np.abs(x) @ np.abs(W1).T + np.abs(b1)).max(initial=0.0))
    w2_size = float(np.abs(W2).sum(axis=0).max(initial=0.0))
    size = 2.0 * max(h_size, w2_size * max(1.0, float(np.abs(x).max(initial=0.0))))
    return Case(inputs, label=label, atol=1e-14 * size)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 5, 3),
        _case(rng, 6, 2, 4, 4),
        _case(rng, 1, 3, 2, 2, "batch of 1"),
        _case(rng, 5, 4, 1, 3, "a single hidden unit"),
        _case(rng, 3, 2, 6, 5),
        _case(rng, 8, 3, 4, 3, "halves only: many pre-activations exactly 0", dyadic=True),
    ]
    case = _case(rng, 4, 3, 5, 4, "an all-zero input row with zero biases: z1 = 0 exactly")
    case.inputs["x"][2] = 0.0
    case.inputs["b1"][[0, 2, 3]] = 0.0
    out.append(_make(case.inputs, case.label))
    # Rows of very different sizes: x[0] = (400, 0, 0) turns hidden unit 0 on (~600) and the
    # others off, and W2[:, 0] = (3, ., -3) spreads row 0's logits from ~-1800 to ~1800: exp
    # overflows unless the row is shifted by its own max (its mean or min will not do). The other
    # rows' logits are ~1: shifted by the max of the whole batch they underflow to 0/0.
    case = _case(rng, 3, 3, 4, 3, "rows of very different sizes: logits from ~1 to ~±1800")
    i = case.inputs
    i["x"][0] = [400.0, 0.0, 0.0]
    i["W1"][:, 0] = [1.5, -1.0, -1.2, -0.8]
    i["W2"][[0, 2], 0] = [3.0, -3.0]
    out.append(_make(i, case.label))
    # Confident and right: every example is class 1 and b2[1] is 40 above the other biases, so
    # every gradient is ~1e-17 in size; clipping the softmax to [1e-12, 1 - 1e-12] shows.
    case = _case(rng, 4, 3, 3, 3, "every example right by a margin of ~40: gradients of ~1e-17")
    case.inputs["y"][:] = 1
    case.inputs["b2"][1] += 40.0
    out.append(_make(case.inputs, case.label))
    # Large second-layer weights and a small batch: dh = dlogits·W2 and dz1 are well above 1.
    case = _case(rng, 2, 3, 4, 3, "large second-layer weights (W2 ~ 10, N = 2): |dh| above 1")
    case.inputs["W2"] *= 10.0
    out.append(_make(case.inputs, case.label))
    if hidden:
        for _ in range(5):
            n, d, h, c = (int(v) for v in rng.integers(1, 7, size=4))
            out.append(_case(rng, n, d, h, max(c, 2)))
        out.append(_case(rng, 10, 4, 6, 3, "halves only", dyadic=True))
        out.append(_case(rng, 2, 1, 1, 2, "D = H = 1"))
        case = _case(rng, 4, 2, 3, 3, "class biases ±900: every row's logits span ~1800")
        case.inputs["b2"] += np.array([900.0, 0.0, -900.0])
        out.append(_make(case.inputs, case.label))
        case = _case(rng, 3, 2, 4, 2, "inputs ~ 300 but one row: logits ~1 to the hundreds")
        case.inputs["x"][[0, 2]] *= 300.0
        out.append(_make(case.inputs, case.label))
        case = _case(rng, 1, 2, 3, 4, "a single example, W2 ~ 20")
        case.inputs["W2"] *= 20.0
        out.append(_make(case.inputs, case.label))
    return out


def reference(x, y, W1, b1, W2, b2):
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W1, b1, W2, b2)]
    w1, c1, w2, c2 = params
    h = torch.relu(F.linear(torch.tensor(x, dtype=torch.float64), w1, c1))
    logits = F.linear(h, w2, c2)
    F.cross_entropy(logits, torch.tensor(y, dtype=torch.int64)).backward()
    return tuple(p.grad.numpy() for p in params)
