"""Small generated datasets: spirals and noisy sine sequences (the digits live in `digits.py`).

numpy only, deterministic in the seed, built in milliseconds, so every experiment runs offline and
the same seed gives the same data everywhere."""

from __future__ import annotations

import numpy as np


def make_spiral(points_per_class: int, classes: int = 3, seed: int = 0, *,
                noise: float = 0.2, turns: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The arms-of-a-spiral classification problem (cs231n's), `classes` arms of points.

    Returns X (n, 2) float32 in about [-1, 1] and labels (n,) int64. Not linearly separable: a
    linear model tops out near 1/classes + a little, a small MLP reaches ~99 %."""
    rng = np.random.default_rng(seed)
    n = points_per_class * classes
    X = np.empty((n, 2), dtype=np.float32)
    y = np.empty(n, dtype=np.int64)
    for k in range(classes):
        idx = slice(k * points_per_class, (k + 1) * points_per_class)
        r = np.linspace(0.0, 1.0, points_per_class)
        theta = (np.linspace(k * 4.0, (k + turns) * 4.0, points_per_class)
                 + rng.normal(0.0, noise, points_per_class))
        X[idx] = np.c_[r * np.sin(theta), r * np.cos(theta)]
        y[idx] = k
    order = rng.permutation(n)
    return X[order], y[order]


def make_sine_sequences(n: int, length: int, seed: int = 0, *,
                        noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine waves of random frequency, phase and amplitude; predict the next clean value.

    Returns X (n, length, 1) float32 (the noisy samples so far) and y (n, 1) float32 (the noise-free
    value one step after the window). A model that only repeats the last input scores an MSE of
    about `noise**2` plus the step's change; one that infers the wave does much better."""
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.15, 0.45, size=(n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    amp = rng.uniform(0.5, 1.0, size=(n, 1))
    t = np.arange(length + 1)[None, :]
    clean = amp * np.sin(freq * t + phase)
    noisy = clean[:, :length] + rng.normal(0.0, noise, size=(n, length))
    return (noisy[..., None].astype(np.float32), clean[:, length:].astype(np.float32))
