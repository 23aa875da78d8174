"""Trusted check for relu_backward: random shapes and ranks (an empty one too), exact zeros
(+0.0 and -0.0) in x, tiny non-zero x, upstream gradients from 1e-3 to 1e3, PyTorch autograd."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, shape: tuple[int, ...], dout_scale: float = 3.0) -> Case:
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(shape) * dout_scale
    if x.size:
        # exact zeros where the >= / > mistake shows; dout there is non-zero
        zeros = rng.random(shape) < 0.25
        zeros.flat[0] = True
        x[zeros] = 0.0
        if x.size > 2:
            x.flat[-1] = -0.0  # negative zero is zero too: no gradient
    label = f"shape {shape} with exact zeros in x"
    if dout_scale != 3.0:
        label += f", dout ~ {dout_scale:g}"
    return Case({"dout": dout, "x": x}, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (7,)),
        _case(rng, (3, 4), dout_scale=1e3),
        _case(rng, (2, 3, 5), dout_scale=1e-3),
        _case(rng, (2, 1, 3, 4)),
        _case(rng, (1,)),
        _case(rng, (0, 3)),
    ]
    # all negative dout with positive x: catches clipping dout itself
    x = np.abs(rng.standard_normal((4, 3))) + 0.1
    out.append(Case({"dout": -np.abs(rng.standard_normal((4, 3))) - 0.1, "x": x},
                    label="x all positive, dout all negative"))
    # only the sign of x counts: a tolerance around 0 (np.isclose, x > 1e-8) cuts real gradients
    tiny = np.array([1e-300, -1e-300, 1e-12, -1e-12, 5e-9, -5e-9, 0.0, -0.0])
    out.append(Case({"dout": rng.standard_normal(tiny.shape) + 2.0, "x": tiny},
                    label="tiny x (1e-300 to 5e-9), +0.0 and -0.0: only the sign of x counts"))
    if hidden:
        for _ in range(6):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, dout_scale=float(rng.choice([1e-3, 3.0, 1e3]))))
        out.append(_case(rng, (3, 0, 2)))
    return out


def reference(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward(torch.tensor(dout, dtype=torch.float64))
    return t.grad.numpy()
