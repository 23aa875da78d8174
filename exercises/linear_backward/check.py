"""Trusted check for linear_backward: autograd through torch.nn.functional.linear in float64.
Non-square weights, a square one, batch of 1, size-1 layers, N equal to D_out."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, n: int, d_in: int, d_out: int, label: str = "") -> Case:
    return Case({
        "dout": rng.standard_normal((n, d_out)) * 2.0,
        "x": rng.standard_normal((n, d_in)),
        "W": rng.standard_normal((d_out, d_in)),
    }, label=label or f"N={n}, D_in={d_in}, D_out={d_out}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3, 2),
        _case(rng, 5, 6, 4),
        _case(rng, 1, 3, 5, "batch of 1"),
        _case(rng, 3, 4, 4, "square W (4 x 4)"),
        _case(rng, 6, 1, 1, "D_in = D_out = 1"),
        _case(rng, 4, 3, 4, "N = D_out = 4"),
        _case(rng, 2, 5, 3),
    ]
    if hidden:
        for _ in range(6):
            n, d_in, d_out = (int(v) for v in rng.integers(1, 8, size=3))
            out.append(_case(rng, n, d_in, d_out))
        out.append(_case(rng, 5, 5, 5, "everything square"))
        case = _case(rng, 3, 4, 2, "dout with an all-zero row")
        case.inputs["dout"][1] = 0.0
        out.append(case)
    return out


def reference(dout: np.ndarray, x: np.ndarray, W: np.ndarray):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(W.shape[0], dtype=torch.float64, requires_grad=True)
    F.linear(xt, Wt, bt).backward(torch.tensor(dout, dtype=torch.float64))
    return xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()
