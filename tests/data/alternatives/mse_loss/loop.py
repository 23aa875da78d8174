"""A plain Python loop over the flattened elements."""


def mse_loss(pred, target):
    total = 0.0
    for p, t in zip(pred.ravel(), target.ravel()):
        total += (p - t) ** 2
    return total / pred.size
