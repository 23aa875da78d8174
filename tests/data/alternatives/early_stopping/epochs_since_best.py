"""No counter: remember the epoch of the last improvement and stop at the first epoch that is
`patience` epochs after it."""


def early_stopping(val_losses, patience, min_delta=0.0):
    if len(val_losses) == 0 or patience < 1:
        raise ValueError("need at least one epoch and patience >= 1")
    best, best_epoch = val_losses[0], 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < best - min_delta:
            best, best_epoch = val_losses[epoch], epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch
