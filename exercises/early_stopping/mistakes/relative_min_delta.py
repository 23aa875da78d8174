def early_stopping(val_losses, patience, min_delta=0.0):
    if len(val_losses) == 0 or patience < 1:
        raise ValueError("bad")
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best * (1 - min_delta):
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
        if waited == patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch
