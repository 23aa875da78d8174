"""Trusted check for softmax_ce_backward: autograd through torch.nn.functional.cross_entropy
(mean) in float64. Random (N, C) incl. N = 1 and C = 1, logits around +-1000, targets far below
their row's max."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng: np.random.Generator, n: int, c: int, scale: float = 2.0, offset: float = 0.0,
          label: str = "") -> Case:
    logits = rng.standard_normal((n, c)) * scale + offset
    targets = rng.integers(0, c, size=n).astype(np.int64)
    return Case({"logits": logits, "targets": targets}, label=label or f"N={n}, C={c}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 3),
        _case(rng, 6, 5, scale=3.0),
        _case(rng, 1, 4, label="batch of 1"),
        _case(rng, 3, 3, label="square: N = C = 3"),
        _case(rng, 5, 2, scale=0.5, label="two classes"),
        _case(rng, 3, 1, label="one class: gradient 0"),
        _case(rng, 4, 6, offset=1000.0, label="logits around 1000: naive softmax overflows"),
    ]
    logits = rng.standard_normal((3, 4))
    logits[0, 0] += 1000.0
    logits[1, 3] -= 800.0
    out.append(Case({"logits": logits, "targets": np.array([2, 3, 1], dtype=np.int64)},
                    label="targets far below their row's max"))
    if hidden:
        for _ in range(5):
            n, c = (int(v) for v in rng.integers(1, 9, size=2))
            out.append(_case(rng, n, c, scale=float(rng.choice([0.1, 2.0, 10.0]))))
        out.append(_case(rng, 5, 4, offset=-1000.0, label="logits around -1000"))
        t = np.array([0, 0, 2, 2, 1], dtype=np.int64)
        out.append(Case({"logits": rng.standard_normal((5, 3)), "targets": t},
                        label="repeated targets"))
        out.append(_case(rng, 8, 10, scale=30.0, label="large spread"))
    return out


def reference(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(z, torch.tensor(targets, dtype=torch.int64)).backward()
    return z.grad.numpy()
