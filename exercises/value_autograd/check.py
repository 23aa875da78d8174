"""Trusted check for value_autograd: the same expression graph built on torch tensors (float64,
requires_grad) and differentiated by torch.autograd.

Every case reuses nodes (x * x, a shared product feeding two sums, a tanh used twice), so a
gradient that is overwritten instead of accumulated, or a backward pass that runs a node before
all of its users have added their share, gives wrong leaf gradients. Tanh inputs reach ±3 so
that 1 − tanh(x)² and 1 − x² differ a lot."""

import numpy as np
import torch

from tutor.grading.kit import Case
from tutor.grading.trusted import load_sibling

_drive = load_sibling(__file__, "drive")  # the recipe evaluator the learner's run uses


def reference(leaves, ops):
    xs = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in leaves]
    out = _drive._evaluate(xs, ops, torch.tanh)[-1]
    out.backward()
    grads = [0.0 if x.grad is None else float(x.grad) for x in xs]
    return {"data": float(out.detach()), "grads": grads}


def _leaves(rng, n, scale=1.0):
    return [round(float(v), 6) for v in rng.standard_normal(n) * scale]


def _random_graph(rng, n_leaves, n_ops):
    """A random recipe: each op takes one of the newest three nodes and any earlier node, so
    nodes are shared; the last ops fold the newest nodes together so most of them matter."""
    ops: list[list] = []
    count = n_leaves
    for _ in range(n_ops):
        a = int(rng.integers(max(0, count - 3), count))
        b = int(rng.integers(0, count))
        kind = str(rng.choice(["add", "mul", "mul", "addc", "mulc", "tanh", "tanh"]))
        const = round(float(rng.uniform(-2.0, 2.0)), 3)
        ops.append([kind, a, const if kind in ("addc", "mulc") else (b if kind in ("add", "mul")
                                                                   else 0)])
        count += 1
    for k in range(count - 1, max(count - 4, 1), -1):  # fold the newest nodes into one output
        ops.append(["add", count - 1, k - 1])
        count += 1
    return ops


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    x, w = _leaves(rng, 2), _leaves(rng, 2)
    out = [
        # micrograd's neuron: tanh(x1·w1 + x2·w2 + b)
        Case({"leaves": [*x, *w, 0.9],
              "ops": [["mul", 0, 2], ["mul", 1, 3], ["add", 5, 6], ["add", 7, 4],
                      ["tanh", 8, 0]]}, label="a neuron: tanh(x1·w1 + x2·w2 + b)"),
        Case({"leaves": _leaves(rng, 1, 2.0), "ops": [["mul", 0, 0]]},
             label="x * x: the same node on both sides"),
        Case({"leaves": _leaves(rng, 2), "ops": [["add", 0, 0], ["mul", 2, 1]]},
             label="(a + a) * b"),
        # a = x*y is used by a*a and by the final sum: a's grad collects two contributions
        Case({"leaves": _leaves(rng, 2, 1.5),
              "ops": [["mul", 0, 1], ["mul", 2, 2], ["add", 3, 2], ["mulc", 4, -1.5]]},
             label="a = x·y shared: (a·a + a)·(−1.5)"),
        # a tanh node with two users, and a leaf used deep and shallow
        Case({"leaves": [1.3, -0.7, 2.1],
              "ops": [["mul", 0, 1], ["addc", 3, 2.0], ["tanh", 4, 0], ["mul", 5, 2],
                      ["add", 6, 5], ["mul", 7, 0], ["tanh", 8, 0]]},
             label="t = tanh(x·y + 2) feeds two nodes; x used again at the end"),
        Case({"leaves": [0.5, -2.0, 3.0], "ops": [["mul", 0, 1], ["addc", 3, -0.25]]},
             label="the third leaf is never used: its grad stays 0"),
        Case({"leaves": _leaves(rng, 1, 3.0), "ops": [["tanh", 0, 0]]},
             label="tanh of a large input"),
        Case({"leaves": [2.5, -1.25], "ops": [["mulc", 0, 4.0], ["addc", 2, 1.0], ["mul", 3, 1],
                                             ["add", 4, 3]]},
             label="plain numbers on the right: (4x + 1)·y + (4x + 1)"),
    ]
    for n_ops in (6, 9, 12):
        out.append(Case({"leaves": _leaves(rng, 3), "ops": _random_graph(rng, 3, n_ops)},
                        label=f"a random graph of {n_ops} ops with shared nodes"))
    if hidden:
        for _ in range(8):
            n = int(rng.integers(1, 5))
            out.append(Case({"leaves": _leaves(rng, n, float(rng.choice([0.5, 1.0, 2.0]))),
                             "ops": _random_graph(rng, n, int(rng.integers(3, 16)))},
                            label="a hidden random graph"))
    return out
