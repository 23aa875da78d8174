"""Trusted check for softmax_ce_backward: autograd through torch.nn.functional.cross_entropy
(mean) in float64. Random (N, C) incl. N = 1 and C = 1, logits around +-1000, targets far below
their row's max, confident rows whose gradient is ~1e-17."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


#: A probability close to 1 minus the one-hot 1 keeps only its absolute rounding, and a softmax
#: computed as exp(z - logsumexp(z)) rounds by ~1e-16 × the size of the logits; so each case's atol
#: is ATOL_PER_LOGIT × its largest |logit| (at least 1) / N. A fixed 1e-12 let clipping the
#: probabilities to [1e-12, 1 - 1e-12] pass.
ATOL_PER_LOGIT = 4e-15


def _make(logits: np.ndarray, targets: np.ndarray, label: str) -> Case:
    size = max(1.0, float(np.abs(logits).max(initial=0.0)))
    return Case({"logits": logits, "targets": targets}, label=label,
                atol=ATOL_PER_LOGIT * size / logits.shape[0])


def _case(rng: np.random.Generator, n: int, c: int, scale: float = 2.0, offset: float = 0.0,
          label: str = "") -> Case:
    logits = rng.standard_normal((n, c)) * scale + offset
    targets = rng.integers(0, c, size=n).astype(np.int64)
    return _make(logits, targets, label or f"N={n}, C={c}")


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
    out.append(_make(logits, np.array([2, 3, 1], dtype=np.int64),
                     "targets far below their row's max"))
    out.append(_case(rng, 4, 3, offset=-1000.0,
                     label="logits around -1000: without a shift exp underflows to 0/0"))
    # confident and right: each target is 40 above the rest of its row, so every gradient entry
    # is ~1e-17 in size; clipping the probabilities to [1e-12, 1 - 1e-12] makes them 1e-12 / N
    targets = rng.integers(0, 4, size=5).astype(np.int64)
    logits = rng.standard_normal((5, 4))
    logits[np.arange(5), targets] += 40.0
    out.append(_make(logits, targets, "every target 40 above its row: gradients of ~1e-17"))
    if hidden:
        for _ in range(5):
            n, c = (int(v) for v in rng.integers(1, 9, size=2))
            out.append(_case(rng, n, c, scale=float(rng.choice([0.1, 2.0, 10.0]))))
        out.append(_case(rng, 5, 4, offset=-1000.0, label="logits around -1000"))
        t = np.array([0, 0, 2, 2, 1], dtype=np.int64)
        out.append(_make(rng.standard_normal((5, 3)), t, "repeated targets"))
        logits = rng.standard_normal((3, 5)) * 2.0
        logits[:, 2] += np.array([1000.0, -1000.0, 0.0])
        logits[2, 0] += 900.0
        out.append(_make(logits, np.array([2, 4, 0], dtype=np.int64),
                         "rows spanning -1000 to 1000"))
        out.append(_case(rng, 8, 10, scale=30.0, label="large spread"))
    return out


def reference(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    F.cross_entropy(z, torch.tensor(targets, dtype=torch.int64)).backward()
    return z.grad.numpy()
