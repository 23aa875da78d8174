"""Trusted check for image_to_tensor: what torchvision's ToTensor does, in plain torch
(permute to channels first, float64, divide by 255).

Heights, widths and channel counts all differ, so a reshape that fills (C, H, W) in the wrong
order gives other values instead of, by chance, the same ones; images hold 0 and 255, so the
scale shows."""

import numpy as np
import torch

from tutor.grading.kit import Case


def reference(image):
    t = torch.from_numpy(np.array(image))
    if t.dim() == 2:
        t = t.unsqueeze(-1)
    return (t.permute(2, 0, 1).to(torch.float64) / 255.0).numpy()


def _image(rng, shape):
    img = rng.integers(0, 256, size=shape).astype(np.uint8)
    img.flat[0], img.flat[-1] = 0, 255
    return img


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        Case({"image": _image(rng, (4, 5, 3))}, label="RGB, 4×5"),
        Case({"image": _image(rng, (2, 6, 3))}, label="RGB, 2×6"),
        Case({"image": _image(rng, (3, 3, 4))}, label="RGBA (4 channels), 3×3"),
        Case({"image": _image(rng, (5, 2))}, label="gray (H, W) with no channel axis, 5×2"),
        Case({"image": _image(rng, (1, 1, 3))}, label="one RGB pixel"),
        Case({"image": np.full((2, 3, 3), 255, dtype=np.uint8)}, label="all white"),
    ]
    if hidden:
        for _ in range(6):
            h, w = (int(d) for d in rng.integers(1, 8, size=2))
            shape = (h, w) if rng.random() < 0.3 else (h, w, int(rng.choice([1, 3, 4])))
            out.append(Case({"image": _image(rng, shape)}, label=f"hidden {shape}"))
    return out
