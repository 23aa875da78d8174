"""Reference solution for style_loss, built on gram_matrix (see `requires` in exercise.toml)."""

import numpy as np
from gram_matrix import gram_matrix


def style_loss(gen_features: np.ndarray, style_features: np.ndarray) -> float:
    # both (C, C), whatever H and W are; each normalised by its own C·H·W
    diff = gram_matrix(gen_features) - gram_matrix(style_features)
    return float(np.mean(diff ** 2))
