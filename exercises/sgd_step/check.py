"""Trusted check for sgd_step: a K-step run on L(p) = 1/2 sum(scale * (p - center)^2), the
learner's output chained as the next parameter (drive.py, the driver the learner's process runs),
compared step by step with torch.optim.SGD (same lr, weight_decay) on the same loss through
autograd. lr and weight_decay vary; some cases
leave weight_decay at its default."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, shape: tuple[int, ...], lr: float,
          weight_decay: float | None, steps: int, label: str = "") -> Case:
    inputs = {
        "param": rng.standard_normal(shape) * 2.0,
        "scale": rng.uniform(0.5, 2.0, size=shape),
        "center": rng.standard_normal(shape),
        "lr": lr,
        "weight_decay": weight_decay,  # None: the learner's default is used
        "steps": steps,
    }
    wd = "default weight_decay" if weight_decay is None else f"weight_decay={weight_decay}"
    return Case(inputs, label=label or f"shape {shape}, lr={lr}, {wd}, {steps} steps")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (4,), 0.1, None, 3),
        _case(rng, (4,), 0.1, 0.0, 3),
        _case(rng, (2, 3), 0.05, 0.1, 5),
        _case(rng, (3,), 0.3, 0.5, 4),
        _case(rng, (1,), 0.5, 0.01, 6, "single parameter"),
        _case(rng, (2, 2, 2), 0.01, 0.2, 4),
        _case(rng, (5,), 0.2, 1.0, 3, "strong decay"),
        _case(rng, (3,), 0.0, 0.3, 2, "lr = 0: nothing moves, the decay neither"),
    ]
    if hidden:
        for _ in range(5):
            shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 4))))
            lr = float(rng.choice([0.01, 0.05, 0.2, 0.4]))
            wd = [None, 0.0, 1e-3, 0.05, 0.3][int(rng.integers(0, 5))]
            out.append(_case(rng, shape, lr, wd, int(rng.integers(2, 7))))
        out.append(_case(rng, (2, 3), 1e-3, 5e-4, 4, "small lr and decay"))
        out.append(_case(rng, (2, 2), 0.15, 2e-2, 8, "8 steps"))
    return out


def reference(param, scale, center, lr, weight_decay, steps):
    p = torch.nn.Parameter(torch.tensor(param, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=lr, weight_decay=0.0 if weight_decay is None else weight_decay)
    s = torch.tensor(scale, dtype=torch.float64)
    c = torch.tensor(center, dtype=torch.float64)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (s * (p - c) ** 2).sum()
        loss.backward()
        opt.step()
        history.append(p.detach().numpy().copy())
    return history
