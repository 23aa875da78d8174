"""Trusted check for minibatches: the order np.random.default_rng(seed).permutation(n) (or
0..n-1) fed to torch.utils.data.BatchSampler(order, batch_size, drop_last), compared exactly.
Divisible and non-divisible n, batch larger than n, n = 0, batch of 1, default flags,
batch_size 0 and negative (ValueError, raised by BatchSampler itself)."""

import numpy as np
from torch.utils.data import BatchSampler

from tutor.grading.kit import Case


def _case(n: int, batch_size: int, seed: int, label: str, **flags) -> Case:
    return Case({"n": n, "batch_size": batch_size, "seed": seed, **flags}, label=label)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(10, 4, 0, "n=10, batch 4: last batch of 2 kept (default flags)"),
        _case(10, 4, 1, "n=10, batch 4, drop_last: last batch dropped", drop_last=True),
        _case(12, 4, 2, "n divisible by the batch size, drop_last", shuffle=True, drop_last=True),
        _case(7, 3, 5, "no shuffle", shuffle=False),
        _case(3, 5, 3, "batch larger than n: one short batch"),
        _case(3, 5, 3, "batch larger than n, drop_last: no batches", drop_last=True),
        _case(0, 2, 0, "n = 0: no batches"),
        _case(1, 1, 4, "n = 1, batch 1"),
        _case(9, 2, 123, "no shuffle, drop_last", shuffle=False, drop_last=True),
        _case(20, 6, 42, "n=20, batch 6", shuffle=True, drop_last=False),
        _case(5, 0, 0, "batch_size 0: ValueError"),
        _case(8, -3, 1, "negative batch_size: ValueError (range() would just give no batches)"),
    ]
    if hidden:
        for _ in range(8):
            n = int(rng.integers(0, 41))
            batch_size = int(rng.integers(1, 13))
            seed = int(rng.integers(0, 2**31))
            flags = {"shuffle": bool(rng.random() < 0.7), "drop_last": bool(rng.random() < 0.5)}
            out.append(_case(n, batch_size, seed, f"n={n}, batch {batch_size}, {flags}", **flags))
        out.append(_case(6, -1, 2, "batch_size -1: ValueError", drop_last=True))
        out.append(_case(16, 16, 7, "one full batch", drop_last=True))
        out.append(_case(17, 1, 9, "batches of 1"))
    return out


def reference(n: int, batch_size: int, seed: int, shuffle: bool = True,
              drop_last: bool = False) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    sampler = BatchSampler(order.tolist(), batch_size, drop_last)  # ValueError if batch_size < 1
    return [np.array(batch, dtype=np.int64) for batch in sampler]
