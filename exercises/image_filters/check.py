"""Trusted check for image_filters: torch.nn.functional.conv2d (float64, padding='same'), which
is a cross-correlation, on gray images with values in [0, 1] (one in 0–255).

The classic kernels (sharpen, the two Laplacians) are symmetric, so flipping them changes
nothing; Sobel, a one-sided difference and random kernels are not, and tell cross-correlation
from true convolution. Laplacian outputs are negative and sharpen outputs pass 1, so clipping
shows; images are bright at the border, so edge padding shows; non-square kernels show a
transposed kernel."""

import numpy as np
import torch

from tutor.grading.kit import Case

SHARPEN = [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]
LAPLACIAN_4 = [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]
LAPLACIAN_8 = [[1.0, 1.0, 1.0], [1.0, -8.0, 1.0], [1.0, 1.0, 1.0]]
SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]


def reference(image, kernel):
    x = torch.tensor(image, dtype=torch.float64)[None, None]
    k = torch.tensor(kernel, dtype=torch.float64)[None, None]
    return torch.nn.functional.conv2d(x, k, padding="same")[0, 0].numpy()


def _image(rng, h, w):
    return rng.uniform(0.2, 1.0, (h, w))


def _square(h, w):
    """A dark image with a bright rectangle: edges for the filters to find."""
    img = np.full((h, w), 0.1)
    img[h // 4:h - h // 4, w // 3:w - w // 4] = 0.9
    return img


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    def case(image, kernel, label):
        return Case({"image": image, "kernel": np.array(kernel, dtype=np.float64)}, label=label)

    out = [
        case(_square(6, 7), SHARPEN, "sharpen a bright rectangle, 6×7"),
        case(_square(7, 6), LAPLACIAN_4, "Laplacian (4 neighbours) on a bright rectangle"),
        case(_image(rng, 5, 5), LAPLACIAN_8, "Laplacian (8 neighbours), 5×5 random image"),
        case(_image(rng, 6, 8), SOBEL_X, "Sobel x (not symmetric: flipping negates it)"),
        case(_image(rng, 5, 6), rng.standard_normal((3, 3)), "a random 3×3 kernel"),
        case(_image(rng, 7, 7), rng.standard_normal((5, 5)), "a random 5×5 kernel"),
        case(_image(rng, 6, 9), rng.standard_normal((3, 5)), "a non-square 3×5 kernel"),
        case(_image(rng, 4, 5), [[-1.0, 0.0, 2.0]], "a 1×3 kernel"),
        case(_image(rng, 3, 4), [[2.5]], "a 1×1 kernel scales the image"),
        case(_image(rng, 2, 2), SHARPEN, "a 2×2 image, smaller than the 3×3 kernel"),
        case(_image(rng, 1, 6), rng.standard_normal((5, 1)), "a one-row image, 5×1 kernel"),
        case(np.round(_image(rng, 5, 6) * 255.0), LAPLACIAN_4,
             "a 0–255 image (values as stored in a file), Laplacian"),
    ]
    if hidden:
        for _ in range(8):
            kh, kw = (int(k) * 2 + 1 for k in rng.integers(0, 3, size=2))
            h, w = (int(d) for d in rng.integers(1, 10, size=2))
            out.append(case(_image(rng, h, w), rng.standard_normal((kh, kw)),
                            f"hidden: {h}×{w} image, {kh}×{kw} kernel"))
        out.append(case(_square(9, 9), LAPLACIAN_8, "hidden: Laplacian (8) on a rectangle"))
    return out
