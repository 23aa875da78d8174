"""One Adam step.

Run `dltutor check adam_step` to test your code.
"""

import numpy as np


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (new_param, new_m, new_v) after one Adam update at 1-based step t.

    m = beta1*m + (1-beta1)*grad          v = beta2*v + (1-beta2)*grad**2
    m_hat = m / (1-beta1**t)              v_hat = v / (1-beta2**t)
    param = param - lr * m_hat / (sqrt(v_hat) + eps)
    """
    # TODO: update the moments, correct their bias, and take the step.
    raise NotImplementedError("adam_step is not implemented yet")
