"""param·(1 − lr·λ) − lr·grad: the same update, multiplied out."""


def sgd_step(param, grad, lr, weight_decay=0.0):
    return param * (1.0 - lr * weight_decay) - lr * grad
