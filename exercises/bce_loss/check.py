"""Trusted check for bce_loss: torch.nn.functional.binary_cross_entropy (mean) in float64, with
random shapes, confident probabilities (1e-30 to 1 - 2**-53, never exactly 0 or 1), soft labels."""

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
    # as confident as float64 allows (1 - 2**-53 is the largest float64 below 1); PyTorch caps
    # each log at -100 (p below e^-100 = 3.7e-44), which stays out of reach
    edge = np.array([1e-30, 1.0 - 2.0**-53, 1e-20, 1.0 - 2.0**-52, 0.5])
    out.append(Case({"p": edge, "y": np.array([1.0, 0.0, 1.0, 0.0, 1.0])},
                    label="confident and wrong at the float64 limit: p = 1e-30 for y = 1 costs "
                          "69.08, p = 1 - 2**-53 for y = 0 costs 36.74 (clipping p shows)"))
    # right everywhere: the loss is ~3e-10 and compared relatively, so clipping p to [1e-12,
    # 1 - 1e-12] or adding an eps inside the log shows (p are powers of 2: 1 - p is exact, so
    # log(1 - p) and log1p(-p) agree)
    sure = np.array([2.0**-40, 1.0 - 2.0**-40, 2.0**-30, 1.0 - 2.0**-30, 2.0**-50, 1.0 - 2.0**-50])
    out.append(Case({"p": sure, "y": np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])},
                    label="confident and right everywhere: a loss of ~3e-10, compared relatively"))
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
        k = rng.integers(20, 53, size=6).astype(np.float64)
        sure = np.where(np.arange(6) % 2 == 0, 2.0**-k, 1.0 - 2.0**-k)
        out.append(Case({"p": sure, "y": (np.arange(6) % 2 == 1).astype(np.float64)},
                        label="confident and right everywhere"))
        out.append(Case({"p": 10.0 ** -rng.uniform(15.0, 40.0, size=4), "y": np.ones(4)},
                        label="p from 1e-40 to 1e-15, all labels 1"))
    return out


def reference(p: np.ndarray, y: np.ndarray) -> float:
    return float(F.binary_cross_entropy(torch.tensor(p, dtype=torch.float64),
                                        torch.tensor(y, dtype=torch.float64)))
