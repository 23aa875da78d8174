"""Trusted check for softmax: torch.softmax(z, dim=axis) in float64. Every axis (positive and
negative, and the default), 1-D to 4-D, logits around +-1000, slices hundreds apart, slices that
span -1000 to 1000, size-1 axes."""

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
        _case(rng, (3, 3), -2, label="square matrix, axis -2 (columns)"),
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
    out.append(Case({"z": rng.standard_normal((2, 3, 4)) * 3.0},
                    label="3-D, axis not given: the default is the last axis, 2"))
    out.append(_case(rng, (2, 3, 2, 2), -3, label="4-D, axis -3"))
    out.append(_case(rng, (3, 4), -1, offset=-1000.0,
                     label="logits around -1000: without a shift exp underflows to 0/0"))
    # Slices that span ±1000: only the slice's maximum is a safe shift. Shifted by its mean or
    # its minimum (or its first entry) the largest exponent is above 709.78 and overflows.
    z = rng.standard_normal((3, 5)) * 2.0
    z[0] += np.array([-1000.0, 0.0, 1000.0, 3.0, -2.0])
    z[1] += np.array([800.0, -800.0, 0.0, 1.0, 2.0])
    z[2] += np.array([-900.0, -850.0, -5.0, 0.0, -700.0])
    out.append(Case({"z": z, "axis": 1},
                    label="slices spanning -1000 to 1000: shift by the max, not the mean or min"))
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
        z = rng.standard_normal((4, 3)) * 600.0
        z[0, 1], z[3, 1] = 1000.0, -1000.0
        out.append(Case({"z": z, "axis": 0}, label="columns spanning -1000 to 1000, axis 0"))
        out.append(Case({"z": rng.standard_normal((3, 2, 3)) * 5.0 - 1000.0},
                        label="3-D around -1000, axis not given"))
    return out


def reference(z: np.ndarray, axis: int = -1) -> np.ndarray:
    return torch.softmax(torch.tensor(z, dtype=torch.float64), dim=axis).numpy()
