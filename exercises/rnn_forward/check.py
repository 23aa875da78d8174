"""Trusted check for rnn_forward: a whole sequence through a one-layer tanh RNN, against nn.RNN
(time-major, the same weights)."""

import numpy as np
import torch

from tutor.grading.kit import Case


def _case(rng, t, n, i, h, *, zero_state=False, scale=1.0, label=""):
    # weights ~ 0.5 keep the pre-activations around 1, where the state visibly evolves
    inputs = {
        "x": rng.standard_normal((t, n, i)) * scale,
        "h0": np.zeros((n, h)) if zero_state else rng.standard_normal((n, h)) * 0.8,
        "W_ih": rng.standard_normal((h, i)) * 0.5,
        "W_hh": rng.standard_normal((h, h)) * 0.5,
        "b_ih": rng.standard_normal(h) * 0.4,
        "b_hh": rng.standard_normal(h) * 0.4,
    }
    return Case(inputs, label=label or f"T={t}, N={n}, I={i}, H={h}")


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    out = [
        _case(rng, 5, 3, 4, 2),
        _case(rng, 4, 2, 3, 5, zero_state=True, label="T=4, N=2, I=3, H=5, h0 all zeros"),
        _case(rng, 1, 3, 2, 4, label="a single time step (T=1)"),
        _case(rng, 6, 1, 2, 3, label="batch of 1, T=6"),
        _case(rng, 3, 4, 5, 5, label="square: I = H = 5"),
        _case(rng, 7, 2, 1, 1, label="I = H = 1, T=7"),
        _case(rng, 3, 5, 6, 3, label="T=3 smaller than N=5"),
        _case(rng, 4, 2, 3, 3, scale=30.0, label="large inputs: tanh saturates"),
        # |pre-activation| past ~710, both signs: a tanh written from np.exp overflows (inf/inf)
        _case(rng, 3, 3, 4, 4, scale=3000.0,
              label="huge inputs: pre-activations in the thousands, both signs"),
    ]
    if hidden:
        for _ in range(8):
            t, n, i, h = (int(v) for v in rng.integers(1, 7, size=4))
            out.append(_case(rng, t, n, i, h, zero_state=bool(rng.random() < 0.3)))
        out.append(_case(rng, 10, 1, 1, 2, label="long sequence, T=10"))
        out.append(_case(rng, 3, 2, 3, 2, scale=5000.0, label="huge inputs, T=3"))
    return out


def reference(x, h0, W_ih, W_hh, b_ih, b_hh):
    hidden, inp = W_ih.shape
    rnn = torch.nn.RNN(inp, hidden, num_layers=1, nonlinearity="tanh", bias=True,
                       batch_first=False).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_ih))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_ih))
        rnn.bias_hh_l0.copy_(torch.from_numpy(b_hh))
        outputs, h_n = rnn(torch.from_numpy(x), torch.from_numpy(h0).unsqueeze(0))
    return outputs.numpy(), h_n[0].numpy()
