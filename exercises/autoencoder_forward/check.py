"""Trusted check for autoencoder_forward: nn.Linear encoder + ReLU, nn.Linear decoder, F.mse_loss,
all float64 with the learner's weights. D != K in every case, so a missing transpose fails loudly,
while the mistakes that keep the shapes right are caught by the values."""

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def _case(rng, n, d, k, *, dead=0, label=""):
    b_enc = rng.standard_normal(k) * 0.3
    if dead:
        b_enc[:dead] = -50.0  # these code units never fire: their column of code is all 0
    inputs = {
        "x": rng.standard_normal((n, d)),
        "W_enc": rng.standard_normal((k, d)) / np.sqrt(d),
        "b_enc": b_enc,
        "W_dec": rng.standard_normal((d, k)) / np.sqrt(k),
        "b_dec": rng.standard_normal(d) * 0.3,
    }
    return Case(inputs, label=label or f"N={n}, D={d}, K={k}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 4, 6, 3),
        _case(rng, 1, 5, 2, label="a batch of 1 (N=1), D=5, K=2"),
        _case(rng, 6, 8, 1, label="a 1-unit bottleneck (K=1)"),
        _case(rng, 3, 3, 5, label="over-complete code: K=5 > D=3"),
        _case(rng, 5, 7, 4, dead=2, label="two dead code units (always 0 after ReLU)"),
        _case(rng, 2, 4, 2),
        _case(rng, 8, 2, 3, label="D=2, K=3, N=8"),
    ]
    if hidden:
        while len(out) < 16:
            n, d, k = (int(v) for v in rng.integers(1, 9, size=3))
            if d != k:
                out.append(_case(rng, n, d, k, dead=int(rng.integers(0, k))))
    return out


def reference(x, W_enc, b_enc, W_dec, b_dec):
    k, d = W_enc.shape
    enc = torch.nn.Linear(d, k).double()
    dec = torch.nn.Linear(k, d).double()
    with torch.no_grad():
        enc.weight.copy_(torch.from_numpy(W_enc))
        enc.bias.copy_(torch.from_numpy(b_enc))
        dec.weight.copy_(torch.from_numpy(W_dec))
        dec.bias.copy_(torch.from_numpy(b_dec))
        xt = torch.from_numpy(x)
        code = F.relu(enc(xt))
        recon = dec(code)
        loss = F.mse_loss(recon, xt)  # mean over all N*D elements
    return code.numpy(), recon.numpy(), float(loss.item())
