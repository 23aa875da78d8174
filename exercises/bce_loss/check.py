"""Trusted check for bce_loss: torch.nn.functional.binary_cross_entropy (mean) in float64, with
random shapes, confident probabilities (1e-12, 1 - 1e-12, never exactly 0 or 1), soft labels."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _probs(rng: np.random.Generator, shape: tuple[int, ...], spread: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-rng.standard_normal(shape) * spread))


def _case(rng: np.random.Generator, shape: tuple[int, ...], spread: float = 2.0,
          label: str = "") -> Case:
    p = _probs(rng, shape, spread)
    y = (rng.random(shape) < 0.5).astype(np.float64)
    if y.size > 1:
        y.flat[0], y.flat[1] = 1.0, 0.0  # both terms appear
    return Case({"p": p, "y": y}, label=label or f"shape {shape}, 0/1 labels")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (6,)),
        _case(rng, (4, 3)),
        _case(rng, (2, 2, 3), spread=4.0),
        _case(rng, (1,), label="single element"),
    ]
    p = np.array([1e-12, 1.0 - 1e-12, 1e-8, 1.0 - 1e-8, 0.5, 0.3])
    out.append(Case({"p": p, "y": np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])},
                    label="confident and right (p = 1e-12 for y = 0, 1 - 1e-12 for y = 1)"))
    out.append(Case({"p": p.copy(), "y": np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])},
                    label="confident and wrong: p = 1e-12 for y = 1 costs 27.63"))
    out.append(Case({"p": _probs(rng, (3, 4), 1.5), "y": rng.random((3, 4))},
                    label="soft labels in [0, 1]"))
    out.append(Case({"p": _probs(rng, (5,), 2.0), "y": np.ones(5)}, label="all labels 1"))
    if hidden:
        for _ in range(5):
            shape = tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
            out.append(_case(rng, shape, spread=float(rng.choice([0.5, 3.0, 8.0]))))
        p = np.clip(_probs(rng, (4, 4), 30.0), 1e-15, 1.0 - 1e-15)
        out.append(Case({"p": p, "y": (rng.random((4, 4)) < 0.5).astype(np.float64)},
                        label="very confident predictions"))
        out.append(Case({"p": _probs(rng, (6,), 1.0), "y": np.zeros(6)}, label="all labels 0"))
        out.append(Case({"p": _probs(rng, (2, 5), 2.0), "y": rng.random((2, 5))},
                        label="soft labels"))
    return out


def reference(p: np.ndarray, y: np.ndarray) -> float:
    return float(F.binary_cross_entropy(torch.tensor(p, dtype=torch.float64),
                                        torch.tensor(y, dtype=torch.float64)))
