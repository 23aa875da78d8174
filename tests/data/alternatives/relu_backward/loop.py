import numpy as np


def relu_backward(dout, x):
    dx = np.zeros_like(dout)
    flat_x, flat_d, flat_out = x.reshape(-1), dout.reshape(-1), dx.reshape(-1)
    for i in range(flat_x.size):
        if flat_x[i] > 0:
            flat_out[i] = flat_d[i]
    return dx
