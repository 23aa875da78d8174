"""Trusted check for residual_block: nn.Linear modules holding the same weights, torch.relu and an
identity shortcut, in float64."""

import numpy as np
import torch
from torch import nn

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    specs = [
        # n, d, h, label
        (4, 3, 5, "D 3, H 5"),
        (3, 4, 4, "H equal to D"),
        (5, 6, 2, "a narrow hidden layer, H 2"),
        (1, 3, 3, "a batch of 1, H equal to D"),
        (4, 1, 3, "a single feature, D 1"),
        (6, 5, 8, "D 5, H 8"),
    ]
    if hidden:
        for _ in range(8):
            n, d, h = (int(v) for v in rng.integers(1, 9, size=3))
            specs.append((n, d, h, f"random: N {n}, D {d}, H {h}"))
    out = []
    for n, d, h, label in specs:
        out.append(Case({
            "x": rng.standard_normal((n, d)) * 2.0,
            "W1": rng.standard_normal((h, d)) / np.sqrt(d),
            "b1": rng.standard_normal(h) * 0.5,
            "W2": rng.standard_normal((d, h)) / np.sqrt(h),
            "b2": rng.standard_normal(d) * 0.5,
        }, label=label))
    # Large activations (hidden units and outputs well above 6): a ReLU capped from above
    # (ReLU6, a clip) agrees with the real one on small values only.
    for n, d, h in [(5, 4, 6)] + ([(int(rng.integers(1, 9)), 3, 5)] if hidden else []):
        out.append(Case({
            "x": rng.standard_normal((n, d)) * 10.0,
            "W1": rng.standard_normal((h, d)) * 2.0 / np.sqrt(d),
            "b1": rng.standard_normal(h) * 2.0,
            "W2": rng.standard_normal((d, h)) / np.sqrt(h),
            "b2": rng.standard_normal(d) * 2.0,
        }, label=f"large activations (x ~ 10): N {n}, D {d}, H {h}"))
    d, h = 3, 4
    out.append(Case({"x": rng.standard_normal((4, d)) * 2.0,
                     "W1": rng.standard_normal((h, d)), "b1": rng.standard_normal(h),
                     "W2": np.zeros((d, h)), "b2": np.zeros(d)},
                    label="zero branch: y = relu(x)"))
    return out


def reference(x, W1, b1, W2, b2):
    h, d = W1.shape
    fc1, fc2 = nn.Linear(d, h).double(), nn.Linear(h, d).double()
    with torch.no_grad():
        fc1.weight.copy_(torch.tensor(W1))
        fc1.bias.copy_(torch.tensor(b1))
        fc2.weight.copy_(torch.tensor(W2))
        fc2.bias.copy_(torch.tensor(b2))
        xt = torch.tensor(x, dtype=torch.float64)
        y = torch.relu(xt + fc2(torch.relu(fc1(xt))))
    return y.numpy()
