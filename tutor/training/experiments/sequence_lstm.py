"""sequence_lstm: an LSTM reads a noisy sine wave and predicts its next clean value (MSE).

With `--use-mine lstm_cell` a forward-only series runs the learner's cell over every training
batch with PyTorch's current weights: their loss is drawn beside PyTorch's and compared step by
step. Their cell has no backward pass, so PyTorch's LSTM does the learning."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from tutor.training.datasets import make_sine_sequences
from tutor.training.experiments import BuildContext, Setup, pytorch_and_mine
from tutor.training.loop import Member, Plan
from tutor.training.mine import lstm_forward
from tutor.training.models import ActFactory, SequenceLSTM


def build(ctx: BuildContext) -> tuple[Plan, Setup]:
    cfg = ctx.config
    length, hidden, noise = int(cfg["length"]), int(cfg["hidden"]), float(cfg["noise"])
    x, y = make_sine_sequences(int(cfg["train_size"]), length, ctx.seed, noise=noise)
    vx, vy = make_sine_sequences(int(cfg["val_size"]), length, ctx.seed + 1000, noise=noise)

    def make(act: ActFactory) -> nn.Module:
        return SequenceLSTM(1, hidden, 1)

    members, compare, lr, notes = pytorch_and_mine(ctx, make)
    cell = ctx.piece("lstm", "forward")  # the learner's LSTM cell, by its [train] slot
    if cell is not None:
        fn, what = cell.fn, cell.exercise

        def shadow(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
            assert isinstance(model, SequenceLSTM)
            return model.head(lstm_forward(fn, model.lstm, batch, what))

        ref = members[0].name
        members.append(Member("mine (forward)", members[0].model, None, shadow=shadow,
                              shadow_of=ref))
        compare.append((ref, "mine (forward)"))
        notes.append(f"Your {cell.exercise} runs forward only, on PyTorch's weights and "
                     "batches at every step; PyTorch's LSTM does the learning.")
    baseline = float(np.mean((vx[:, -1, 0] - vy[:, 0]) ** 2))
    notes.append(f"To beat: repeating the last noisy value scores a held-out MSE of {baseline:.4f}.")
    plan = Plan(train_x=ctx.tensor(x), train_y=ctx.tensor(y), val_x=ctx.tensor(vx),
                val_y=ctx.tensor(vy), members=members, loss_fn=nn.functional.mse_loss,
                classification=False, batch_size=ctx.batch_size, epochs=ctx.epochs,
                compare=compare, seed=ctx.seed)
    desc = (f"{len(x)} noisy sine windows of {length} steps (random frequency, phase, "
            f"amplitude); LSTM with {hidden} hidden units + linear head, MSE on the next value.")
    return plan, Setup(description=desc, lr=lr, notes=notes)
