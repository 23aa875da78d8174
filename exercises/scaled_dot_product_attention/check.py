"""Trusted check for scaled_dot_product_attention: against F.scaled_dot_product_attention in
float64, with and without a boolean mask (True = may attend)."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _mask(rng, n, lq, lk, causal=False):
    if causal:  # query i may attend keys 0..i (+ the offset when Lk > Lq); never a full row off
        m = np.tril(np.ones((lq, lk), dtype=bool), k=lk - lq)
        return np.broadcast_to(m, (n, lq, lk)).copy()
    m = rng.random((n, lq, lk)) < 0.6
    rows = np.arange(lq)
    for b in range(n):
        # every row keeps at least one key it may attend and, when it can, blocks at least one,
        # so both a missing mask and an inverted mask show on every row
        keep = rng.integers(0, lk, size=lq)
        m[b, rows, keep] = True
        if lk > 1:
            block = (keep + rng.integers(1, lk, size=lq)) % lk
            m[b, rows, block] = False
    return m


def _case(rng, n, lq, lk, d, dv, *, masked=False, causal=False, scale=1.0, omit_mask=False,
          label=""):
    inputs = {
        "q": rng.standard_normal((n, lq, d)) * scale,
        "k": rng.standard_normal((n, lk, d)) * scale,
        "v": rng.standard_normal((n, lk, dv)) * 2.0,
        "mask": _mask(rng, n, lq, lk, causal) if (masked or causal) else None,
    }
    if omit_mask:  # leave the argument out: the learner's default, mask=None, is used
        del inputs["mask"]
    what = "causal mask" if causal else ("random mask" if masked else "no mask")
    if omit_mask:
        what = "mask left at its default (None)"
    return Case(inputs, label=label or f"N={n}, Lq={lq}, Lk={lk}, d={d}, dv={dv}, {what}")


def _blocks_best(rng, n, lq, lk, d, dv, scale=30.0):
    """Scores of ±1000s and a mask that blocks each query's best-matching keys: its allowed
    scores all lie below its blocked ones, often far below 0. So a blocked score filled with a
    merely large negative number (-100) outweighs them, and a max taken before masking sits
    hundreds above every allowed score (exp underflows to 0/0)."""
    case = _case(rng, n, lq, lk, d, dv, scale=scale)
    q, k = case.inputs["q"], case.inputs["k"]
    rank = np.argsort(np.argsort(q @ k.transpose(0, 2, 1), axis=-1), axis=-1)  # 0 = lowest
    allowed = rng.integers(1, lk, size=(n, lq, 1))  # 1 .. lk-1 keys per query
    case.inputs["mask"] = rank < allowed
    return Case(case.inputs, label=f"N={n}, Lq={lq}, Lk={lk}, d={d}, large scores, a mask "
                                   "that blocks each query's best-matching keys")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 2, 3, 4, 4, 5, omit_mask=True),
        _case(rng, 1, 4, 6, 9, 2, masked=True),
        _case(rng, 3, 5, 5, 4, 4, causal=True),
        _case(rng, 2, 1, 7, 16, 3, label="a single query (Lq=1), d=16, no mask"),
        _case(rng, 2, 6, 2, 2, 3, masked=True, label="more queries than keys, random mask"),
        _case(rng, 1, 3, 1, 5, 2, masked=True, label="a single key (Lk=1): the mask is all True"),
        _case(rng, 2, 3, 4, 1, 1, masked=True, label="d=1, dv=1, random mask"),
        _case(rng, 2, 4, 5, 4, 3, scale=30.0,
              label="large scores (hundreds): softmax must subtract the max"),
        _blocks_best(rng, 2, 5, 6, 3, 2),
    ]
    if hidden:
        for _ in range(8):
            n, lq, lk = (int(v) for v in rng.integers(1, 7, size=3))
            d, dv = (int(v) for v in rng.integers(1, 10, size=2))
            out.append(_case(rng, n, lq, lk, d, dv, masked=bool(rng.random() < 0.5)))
        out.append(_case(rng, 1, 6, 6, 8, 2, causal=True, scale=25.0,
                         label="causal mask with large scores"))
        out.append(_case(rng, 3, 2, 8, 3, 4, masked=True, scale=20.0,
                         label="random mask with large scores"))
        out.append(_blocks_best(rng, 3, 4, 5, 6, 3))
    return out


def reference(q, k, v, mask=None):
    attn_mask = None if mask is None else torch.from_numpy(mask)
    with torch.no_grad():
        out = F.scaled_dot_product_attention(torch.from_numpy(q), torch.from_numpy(k),
                                             torch.from_numpy(v), attn_mask=attn_mask)
    return out.numpy()
