"""Trusted check for sigmoid_backward: random shapes and ranks, x = 0 exactly, |x| up to 1000,
upstream gradients from 1e-3 to 1e3, PyTorch autograd in float64."""

import numpy as np
import torch

from tutor.grading.kit import Case

#: the slope s·(1 − s) carries an absolute rounding error of ~1e-16·|dout| where s is close to 1
#: (PyTorch's own 1 − s included; honest formulas such as σ(x)·σ(−x) or 0.5·(1 + tanh(x/2)) stay
#: within 2e-16·max|dout|), so each case's atol is ATOL_PER_DOUT × its largest |dout|: ten times
#: that rounding, and still ~50 times below what clipping x to ±30 gets wrong (9.4e-14·|dout|).
ATOL_PER_DOUT = 2e-15


def _tol(dout: np.ndarray) -> float:
    return ATOL_PER_DOUT * float(np.abs(dout).max(initial=0.0))


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float, label: str,
          dout_scale: float = 3.0) -> Case:
    # x on a 0.01 grid: besides x = 0 below, this keeps x·1e4 (the copy `validate --mutants`
    # scales inputs to, whose atol does not grow with dout) out of 5 < |x| < 40, where PyTorch's
    # own rounding of 1 − σ(x) is larger than that atol.
    x = np.round(rng.standard_normal(shape) * scale, 2)
    if x.size:
        x.flat[0] = 0.0  # slope exactly 1/4 there
    dout = rng.standard_normal(shape) * dout_scale
    return Case({"dout": dout, "x": x}, label=label, atol=_tol(dout))


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (6,), 2.0, "vector"),
        _case(rng, (3, 4), 3.0, "matrix, dout ~ 1e3", dout_scale=1e3),
        _case(rng, (2, 3, 4), 2.0, "3-D, dout ~ 1e-3", dout_scale=1e-3),
        _case(rng, (1,), 1.0, "single element"),
        _case(rng, (4, 1, 3), 4.0, "size-1 axis in the middle"),
    ]
    # Large magnitudes: exp(-x) overflows for x < -709; the answer is a finite (tiny) number.
    # dout is 1 to 3 in size everywhere, so that the tail beyond |x| = 30 shows: clipping x there
    # (to dodge the overflow) returns the slope at ±30, 9.4e-14, instead of e^-|x|.
    big = np.array([[-1000.0, -750.0, -100.0, -30.0, 0.0, 30.0, 100.0, 750.0, 1000.0],
                    [-720.0, -5.0, -1.0, -0.5, 0.25, 0.5, 1.0, 5.0, 720.0],
                    [-60.0, -45.0, -36.0, -32.0, 0.0, 32.0, 36.0, 45.0, 60.0]])
    dout = rng.uniform(1.0, 3.0, big.shape) * rng.choice([-1.0, 1.0], big.shape)
    out.append(Case({"dout": dout, "x": big}, atol=_tol(dout),
                    label="|x| from 30 to 1000 (naive exponential formulas overflow, clipping "
                          "x shows)"))
    if hidden:
        for _ in range(6):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([0.5, 3.0, 10.0, 50.0])),
                             f"random {shape}", dout_scale=float(rng.choice([1e-3, 3.0, 1e3]))))
        x = np.round(rng.uniform(-1000.0, 1000.0, size=(3, 5)), 2)
        x[0, 0] = -1000.0
        dout = rng.standard_normal((3, 5))
        out.append(Case({"dout": dout, "x": x}, atol=_tol(dout),
                        label="uniform in [-1000, 1000]"))
        out.append(Case({"dout": np.zeros((2, 3)), "x": rng.standard_normal((2, 3))},
                        atol=0.0, label="dout all zero"))
    return out


def reference(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(t).backward(torch.tensor(dout, dtype=torch.float64))
    return t.grad.numpy()
