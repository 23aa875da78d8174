"""Trusted check for tanh_backward: random shapes and ranks, x = 0 exactly, |x| up to 1000,
PyTorch autograd in float64."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float, label: str) -> Case:
    x = rng.standard_normal(shape) * scale
    if x.size:
        x.flat[0] = 0.0  # slope exactly 1 there
    dout = rng.standard_normal(shape) * 3.0
    return Case({"dout": dout, "x": x}, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (6,), 1.5, "vector"),
        _case(rng, (3, 4), 2.0, "matrix"),
        _case(rng, (2, 3, 4), 1.0, "3-D"),
        _case(rng, (1,), 1.0, "single element"),
        _case(rng, (4, 1, 3), 3.0, "size-1 axis in the middle"),
    ]
    # Large magnitudes: e^x overflows for |x| > ~709.8; the answer is finite (0 or tiny).
    big = np.array([[-1000.0, -750.0, -100.0, -20.0, 0.0, 20.0, 100.0, 750.0, 1000.0],
                    [-720.0, -3.0, -1.0, -0.5, 0.25, 0.5, 1.0, 3.0, 720.0]])
    out.append(Case({"dout": rng.standard_normal(big.shape) * 3.0, "x": big},
                    label="|x| up to 1000 (a hand-written tanh overflows)"))
    if hidden:
        for _ in range(6):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([0.3, 1.5, 5.0])), f"random {shape}"))
        x = rng.uniform(-1000.0, 1000.0, size=(3, 5))
        x[0, 0] = 1000.0
        out.append(Case({"dout": rng.standard_normal((3, 5)), "x": x},
                        label="uniform in [-1000, 1000]"))
        out.append(Case({"dout": np.zeros((2, 3)), "x": rng.standard_normal((2, 3))},
                        label="dout all zero"))
    return out


def reference(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.tanh(t).backward(torch.tensor(dout, dtype=torch.float64))
    return t.grad.numpy()
