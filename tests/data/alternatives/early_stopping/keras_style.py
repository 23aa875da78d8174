"""Keras's EarlyStopping bookkeeping: `wait` counts epochs since the last improvement and the
check is `wait >= patience`; min_delta is added to the current loss instead of taken off the
best (current + min_delta < best is the same test)."""


def early_stopping(val_losses, patience, min_delta=0.0):
    if not val_losses:
        raise ValueError("val_losses is empty")
    if patience < 1:
        raise ValueError("patience must be at least 1")
    best, best_epoch, wait = None, 0, 0
    for epoch, current in enumerate(val_losses):
        if best is None or current + min_delta < best:
            best, best_epoch, wait = current, epoch, 0
            continue
        wait += 1
        if wait >= patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch
