"""Trusted check for mse_loss: torch.nn.functional.mse_loss (mean) in float64 on several shapes,
ranks and magnitudes (errors from 1e-8 to 10); a perfect prediction; a single element."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, shape: tuple[int, ...], scale: float, label: str = "") -> Case:
    target = rng.standard_normal(shape) * scale
    pred = target + rng.standard_normal(shape) * scale * 1.5
    return Case({"pred": pred, "target": target}, label=label or f"shape {shape}, scale {scale}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), 1.0, "vector"),
        _case(rng, (4, 3), 2.0, "matrix: divide by 12 elements, not 4 rows"),
        _case(rng, (2, 3, 4), 0.3, "3-D"),
        _case(rng, (1,), 3.0, "single element"),
        _case(rng, (6, 1), 10.0, "column, large errors"),
    ]
    t = rng.standard_normal((3, 2))
    out.append(Case({"pred": t.copy(), "target": t}, label="perfect prediction: loss 0"))
    p = rng.standard_normal((3, 5)) * 0.1
    out.append(Case({"pred": p, "target": p + rng.standard_normal((3, 5)) * 0.05},
                    label="small errors (MSE well below 1)"))
    t = rng.standard_normal((2, 4))
    out.append(Case({"pred": t + rng.standard_normal((2, 4)) * 1e-8, "target": t},
                    label="tiny errors (~1e-8): an MSE of ~1e-16, compared relatively"))
    if hidden:
        for _ in range(6):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 5))))
            out.append(_case(rng, shape, float(rng.choice([0.01, 1.0, 50.0]))))
        out.append(_case(rng, (1, 1, 1), 2.0, "one element, 3-D"))
    return out


def reference(pred: np.ndarray, target: np.ndarray) -> float:
    return float(F.mse_loss(torch.tensor(pred, dtype=torch.float64),
                            torch.tensor(target, dtype=torch.float64)))
