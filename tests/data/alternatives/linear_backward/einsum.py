"""All three gradients with np.einsum."""

import numpy as np


def linear_backward(dout, x, W):
    return np.einsum('no,oi->ni', dout, W), np.einsum('no,ni->oi', dout, x), np.einsum('no->o', dout)
