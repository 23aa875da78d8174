"""Trusted check for occlusion_map: a fixed linear-softmax classifier (logits = W · image
flattened row by row), evaluated in torch on every occluded copy of the image at once."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng, h, w, k, patch, stride, fill, *, label=None, huge=False, label_text=""):
    if huge:
        # positive pixels; two classes share large positive weights (their logits are in the
        # thousands and a few units apart, so the label's probability is neither 0 nor 1), the
        # others large negative ones (thousands below 0). A softmax without the max subtracted
        # overflows (np.exp(710) is inf), and so does one that subtracts the min instead. One
        # bright pixel moves the logits by ~2000 when a square hides it: the max to subtract is
        # each position's own, not one max over all positions (exp underflows to 0/0 there).
        image = np.abs(rng.standard_normal((h, w))) + 0.5
        image[rng.integers(0, h), rng.integers(0, w)] += 20.0
        top = rng.permutation(k)[:2]
        sign = np.where(np.isin(np.arange(k), top), 1.0, -1.0)[:, None]
        shared = 100.0 + 30.0 * rng.standard_normal(h * w)
        weights = sign * shared + 0.3 * rng.standard_normal((k, h * w))
        label = int(top[0]) if label is None else label
    else:
        # logits of a few units: probabilities are neither 0 nor 1, and hiding a patch moves them
        image = rng.standard_normal((h, w)) + 0.5
        weights = rng.standard_normal((k, h * w)) * (1.5 / np.sqrt(h * w))
    inputs = {
        "image": image,
        "label": int(rng.integers(0, k)) if label is None else label,
        "weights": weights,
        "patch": patch,
        "stride": stride,
    }
    if fill is not None:  # None: leave it out, so the default fill=0.0 is used
        inputs["fill"] = fill
    text = label_text or f"{h}x{w} image, {k} classes, patch {patch}, stride {stride}, fill {fill}"
    return Case(inputs, label=text)


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 5, 5, 3, 2, 1, 0.0),
        _case(rng, 6, 4, 4, 2, 2, -1.0, label_text="6x4 image (not square), patch 2, stride 2, fill -1"),
        _case(rng, 4, 7, 2, 3, 2, 0.5, label=0,
              label_text="4x7 image, 2 classes, patch 3, stride 2 (a row is left over), fill 0.5"),
        _case(rng, 3, 3, 5, 1, 1, None, label=4,
              label_text="3x3 image, patch 1 (one pixel at a time), fill left at its default 0.0"),
        _case(rng, 4, 4, 3, 4, 1, 0.0, label_text="the patch covers the whole image: a 1x1 map"),
        _case(rng, 7, 6, 3, 2, 3, 2.0, label_text="7x6 image, stride 3 > patch 2 (gaps), fill 2.0"),
        _case(rng, 5, 3, 4, 3, 1, 0.25, label_text="5x3 image, patch 3 = width: a single column"),
        _case(rng, 5, 5, 3, 2, 1, 0.0, huge=True,
              label_text="huge logits (thousands): softmax must subtract the max"),
    ]
    if hidden:
        for _ in range(8):
            h, w = (int(v) for v in rng.integers(2, 8, size=2))
            patch = int(rng.integers(1, min(h, w) + 1))
            stride = int(rng.integers(1, 4))
            fill = float(rng.choice([0.0, -0.5, 1.0, 3.0]))
            out.append(_case(rng, h, w, int(rng.integers(2, 6)), patch, stride, fill))
        out.append(_case(rng, 4, 6, 3, 2, 2, 1.0, huge=True,
                         label_text="huge logits, fill 1.0"))
    return out


def reference(image, label, weights, patch, stride, fill=0.0):
    img = torch.from_numpy(image)
    h, w = img.shape
    n_rows = (h - patch) // stride + 1
    n_cols = (w - patch) // stride + 1
    occluded = img.repeat(n_rows * n_cols, 1, 1)              # one copy per position
    for i in range(n_rows):
        for j in range(n_cols):
            occluded[i * n_cols + j, i * stride:i * stride + patch,
                     j * stride:j * stride + patch] = fill
    logits = occluded.reshape(n_rows * n_cols, h * w) @ torch.from_numpy(weights).T
    probs = F.softmax(logits, dim=1)[:, label]
    return probs.reshape(n_rows, n_cols).numpy()
