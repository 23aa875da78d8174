"""Trusted check for linear_backward: autograd through torch.nn.functional.linear in float64.
Non-square weights, a square one, batch of 1, size-1 layers, N equal to D_out, values from 1e-3 to
1e3 (each case's atol scaled to its terms)."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _atol(dout: np.ndarray, x: np.ndarray, W: np.ndarray) -> float:
    """Products summed in another order than PyTorch's are off by ~1e-16 × the size of the terms
    that cancel in them, so the case's atol is 1e-14 × the largest such sum (of |dout|·|W| for dx,
    |dout|·|x| for dW, |dout| for db): scaled to the case, where a fixed 1e-12 would hide float32
    arithmetic on small inputs."""
    a, ax, aw = np.abs(dout), np.abs(x), np.abs(W)
    terms = max((a @ aw).max(initial=0.0), (a.T @ ax).max(initial=0.0),
                a.sum(axis=0).max(initial=0.0))
    return 1e-14 * float(terms)


def _case(rng: np.random.Generator, n: int, d_in: int, d_out: int, label: str = "",
          scale: float = 1.0) -> Case:
    dout = rng.standard_normal((n, d_out)) * 2.0 * scale
    x = rng.standard_normal((n, d_in)) * scale
    W = rng.standard_normal((d_out, d_in)) * scale
    return Case({"dout": dout, "x": x, "W": W},
                label=label or f"N={n}, D_in={d_in}, D_out={d_out}", atol=_atol(dout, x, W))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 2),
        _case(rng, 5, 6, 4),
        _case(rng, 1, 3, 5, "batch of 1"),
        _case(rng, 3, 4, 4, "square W (4 x 4)"),
        _case(rng, 6, 1, 1, "D_in = D_out = 1"),
        _case(rng, 4, 3, 4, "N = D_out = 4"),
        _case(rng, 2, 5, 3),
        _case(rng, 3, 4, 1, "a single output: D_out = 1"),
        _case(rng, 5, 3, 2, "small values (dout, x, W ~ 1e-3)", scale=1e-3),
        _case(rng, 3, 2, 4, "large values (dout, x, W ~ 1e3)", scale=1e3),
    ]
    if hidden:
        for _ in range(6):
            n, d_in, d_out = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, n, d_in, d_out, scale=float(rng.choice([1e-2, 1.0, 1e2]))))
        out.append(_case(rng, 5, 5, 5, "everything square"))
        case = _case(rng, 3, 4, 2, "dout with an all-zero row")
        case.inputs["dout"][1] = 0.0
        out.append(case)
        out.append(_case(rng, 1, 1, 1, "everything 1"))
    return out


def reference(dout: np.ndarray, x: np.ndarray, W: np.ndarray):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(W.shape[0], dtype=torch.float64, requires_grad=True)
    F.linear(xt, Wt, bt).backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()
