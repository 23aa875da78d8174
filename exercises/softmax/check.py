"""Trusted check for softmax: torch.softmax(z, dim=axis) in float64. Every axis (positive and
negative), 1-D to 4-D, logits around +-1000, slices hundreds apart, size-1 axes."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, shape: tuple[int, ...], axis: int, scale: float = 2.0,
          offset: float = 0.0, label: str = "") -> Case:
    z = rng.standard_normal(shape) * scale + offset
    return Case({"z": z, "axis": axis}, label=label or f"shape {shape}, axis {axis}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, (5,), -1, label="vector"),
        _case(rng, (3, 4), -1, label="rows of a (3, 4) matrix"),
        _case(rng, (3, 4), 0, label="columns: axis 0"),
        _case(rng, (2, 3, 4), 1, label="3-D, middle axis"),
        _case(rng, (4, 2, 3), 0, label="3-D, axis 0"),
        _case(rng, (3, 3), -1, label="square matrix, rows"),
        _case(rng, (2, 4), -1, offset=1000.0, label="logits around 1000: naive exp overflows"),
    ]
    z = rng.standard_normal((2, 5))
    z[0] += 1000.0
    z[1] -= 5.0
    out.append(Case({"z": z, "axis": -1},
                    label="one row near 1000, the other near -5: subtract each row's own max"))
    out.append(_case(rng, (4, 1), -1, label="size-1 axis: all ones"))
    out.append(Case({"z": rng.standard_normal((2, 3)) * 3.0},
                    label="axis not given: the default, -1"))
    if hidden:
        for _ in range(6):
            ndim = int(rng.integers(1, 5))
            shape = tuple(int(d) for d in rng.integers(1, 5, size=ndim))
            axis = int(rng.integers(-ndim, ndim))
            out.append(_case(rng, shape, axis, scale=float(rng.choice([0.5, 3.0, 20.0]))))
        out.append(_case(rng, (3, 2, 4), -2, offset=-1000.0, label="logits around -1000, axis -2"))
        z = rng.standard_normal((3, 4)) * 2.0
        z[:, 0] += 900.0
        out.append(Case({"z": z, "axis": 0}, label="one column near 900, axis 0"))
        out.append(_case(rng, (1, 6), 0, label="size-1 axis 0"))
        out.append(_case(rng, (2, 2, 2, 3), 3, label="4-D, last axis by positive index"))
    return out


def reference(z: np.ndarray, axis: int = -1) -> np.ndarray:
    return torch.softmax(torch.tensor(z, dtype=torch.float64), dim=axis).numpy()
