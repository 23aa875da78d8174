"""Trusted check for relu_backward: random shapes and ranks, exact zeros, PyTorch autograd."""

import numpy as np
import torch

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = [(7,), (3, 4), (2, 3, 5), (2, 1, 3, 4), (1,), (0, 3)]
    if hidden:
        shapes += [tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
                   for _ in range(6)]
    out = []
    for shape in shapes:
        x = rng.standard_normal(shape)
        dout = rng.standard_normal(shape) * 3.0
        if x.size:
            # exact zeros where the >= / > mistake shows; dout there is non-zero
            zeros = rng.random(shape) < 0.25
            zeros.flat[0] = True
            x[zeros] = 0.0
        out.append(Case({"dout": dout, "x": x}, label=f"shape {shape} with exact zeros in x"))
    # all negative dout with positive x: catches clipping dout itself
    x = np.abs(rng.standard_normal((4, 3))) + 0.1
    out.append(Case({"dout": -np.abs(rng.standard_normal((4, 3))) - 0.1, "x": x},
                    label="x all positive, dout all negative"))
    return out


def reference(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward(torch.tensor(dout, dtype=torch.float64))
    return t.grad.numpy()
