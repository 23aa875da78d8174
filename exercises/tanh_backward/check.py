"""Trusted check for tanh_backward: random shapes and ranks, x = 0 exactly, |x| up to 1000,
upstream gradients from 1e-3 to 1e3, PyTorch autograd in float64."""

import numpy as np
import torch

from tutor.grading.kit import Case

#: 1 − t² carries an absolute rounding error of ~2e-16·|dout| where |t| is close to 1 (PyTorch's
#: own included; honest formulas such as 1/cosh(x)², (1 − t)(1 + t) or tanh through a sigmoid stay
#: within 5e-16·max|dout|), so each case's atol is ATOL_PER_DOUT × its largest |dout|: several
#: times that rounding, and ~100 times below what clipping x to ±15 gets wrong (3.7e-13·|dout|).
ATOL_PER_DOUT = 4e-15


def _tol(dout: np.ndarray) -> float:
    return ATOL_PER_DOUT * float(np.abs(dout).max(initial=0.0))


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float, label: str,
          dout_scale: float = 3.0) -> Case:
    x = rng.standard_normal(shape) * scale
    if x.size:
        x.flat[0] = 0.0  # slope exactly 1 there
    dout = rng.standard_normal(shape) * dout_scale
    return Case({"dout": dout, "x": x}, label=label, atol=_tol(dout))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (6,), 1.5, "vector"),
        _case(rng, (3, 4), 2.0, "matrix, dout ~ 1e3", dout_scale=1e3),
        _case(rng, (2, 3, 4), 1.0, "3-D, dout ~ 1e-3", dout_scale=1e-3),
        _case(rng, (1,), 1.0, "single element"),
        _case(rng, (4, 1, 3), 3.0, "size-1 axis in the middle"),
    ]
    # Large magnitudes: e^x overflows for |x| > ~709.8; the answer is finite (0 or tiny). dout is
    # 1 to 3 in size everywhere, so that clipping x (at ±10, ±15) to dodge the overflow shows.
    big = np.array([[-1000.0, -750.0, -100.0, -20.0, 0.0, 20.0, 100.0, 750.0, 1000.0],
                    [-720.0, -3.0, -1.0, -0.5, 0.25, 0.5, 1.0, 3.0, 720.0],
                    [-40.0, -25.0, -18.0, -16.0, 0.0, 16.0, 18.0, 25.0, 40.0]])
    dout = rng.uniform(1.0, 3.0, big.shape) * rng.choice([-1.0, 1.0], big.shape)
    out.append(Case({"dout": dout, "x": big}, atol=_tol(dout),
                    label="|x| from 16 to 1000 (a hand-written tanh overflows, clipping x shows)"))
    if hidden:
        for _ in range(6):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([0.3, 1.5, 5.0, 20.0])),
                             f"random {shape}", dout_scale=float(rng.choice([1e-3, 3.0, 1e3]))))
        x = rng.uniform(-1000.0, 1000.0, size=(3, 5))
        x[0, 0] = 1000.0
        dout = rng.standard_normal((3, 5))
        out.append(Case({"dout": dout, "x": x}, atol=_tol(dout),
                        label="uniform in [-1000, 1000]"))
        out.append(Case({"dout": np.zeros((2, 3)), "x": rng.standard_normal((2, 3))},
                        atol=0.0, label="dout all zero"))
    return out


def reference(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.tanh(t).backward(torch.tensor(dout, dtype=torch.float64))
    return t.grad.numpy()
