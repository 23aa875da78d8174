"""Reference solution for early_stopping."""


def early_stopping(val_losses, patience, min_delta=0.0):
    if len(val_losses) == 0:
        raise ValueError("val_losses is empty")
    if patience < 1:
        raise ValueError("patience must be at least 1")
    best = float("inf")
    best_epoch = 0
    waited = 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:          # strictly better, by more than min_delta
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
        if waited == patience:               # patience has run out: stop here
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch   # trained to the end
