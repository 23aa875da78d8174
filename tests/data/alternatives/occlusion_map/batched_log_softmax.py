import numpy as np


def occlusion_map(image, label, weights, patch, stride, fill=0.0):
    H, W = image.shape
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    copies = np.broadcast_to(image, (rows, cols, H, W)).copy()   # one copy per position
    for i in range(rows):
        for j in range(cols):
            copies[i, j, i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
    logits = np.einsum("rcp,kp->rck", copies.reshape(rows, cols, H * W), weights)
    # log-softmax over the classes, each position with its own max
    m = logits.max(axis=-1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    return np.exp(log_p[..., label])
