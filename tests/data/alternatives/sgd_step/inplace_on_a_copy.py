"""In-place updates on a copy of param."""


def sgd_step(param, grad, lr, weight_decay=0.0):
    out = param.copy()
    out -= lr * grad
    out -= lr * weight_decay * param
    return out
