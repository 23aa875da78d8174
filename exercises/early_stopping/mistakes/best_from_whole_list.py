import numpy as np


def early_stopping(val_losses, patience, min_delta=0.0):
    if len(val_losses) == 0 or patience < 1:
        raise ValueError("bad input")
    best, waited = float("inf"), 0
    stop = len(val_losses) - 1
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, waited = loss, 0
        else:
            waited += 1
        if waited == patience:
            stop = epoch
            break
    return stop, int(np.argmin(val_losses))
