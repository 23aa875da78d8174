"""Early stopping: find the epoch where patience runs out and the epoch whose weights to keep.

Run `dltutor check early_stopping` (or press ctrl+r in the tutor) to test your code.
"""


def early_stopping(val_losses: list[float], patience: int,
                   min_delta: float = 0.0) -> tuple[int, int]:
    """Return (stop_epoch, best_epoch), both 0-based indices into val_losses.

    Walk through the epochs e = 0, 1, 2, ...:
        epoch e improves if val_losses[e] < best − min_delta   (best = +inf before epoch 0)
        an improvement sets best = val_losses[e], best_epoch = e, waited = 0
        otherwise waited += 1
        if waited == patience: training stops at epoch e
    If patience never runs out, stop_epoch = len(val_losses) − 1.

    Raise ValueError if val_losses is empty or patience < 1.
    """
    # TODO: walk through the losses with a best value, its epoch and a patience counter.
    raise NotImplementedError("early_stopping is not implemented yet")
