"""The small networks the experiments train. Each takes an `act` factory, or a whole `Layers`
factory, so a run can put the learner's own pieces (`tutor.training.mine_layers`: a ReLU whose
backward pass is theirs, their convolution, pooling and linear layers) wherever PyTorch's go."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import torch
from torch import nn

ActFactory = Callable[[], nn.Module]


@dataclass(frozen=True)
class Layers:
    """The layers a model is built from: PyTorch's by default, or with the learner's pieces
    swapped in (`tutor.training.mine_layers.mine_layers`). Calling it makes an activation, so a
    `Layers` goes wherever an `ActFactory` does, and a model that only has activations to swap
    (DeepNet) takes it unchanged."""

    act: ActFactory = nn.ReLU
    conv: Callable[..., nn.Module] = nn.Conv2d  #: (in, out, kernel, stride=1, padding=0)
    pool: Callable[..., nn.Module] = nn.MaxPool2d  #: (kernel, stride=kernel)
    linear: Callable[[int, int], nn.Module] = nn.Linear  #: (in, out)

    def __call__(self) -> nn.Module:
        return self.act()

    @classmethod
    def of(cls, act: ActFactory | Layers) -> Layers:
        return act if isinstance(act, Layers) else cls(act=act)


class MLP(nn.Module):
    """Fully connected: in -> hidden... -> out, `act` between the layers."""

    def __init__(self, sizes: list[int], act: ActFactory | Layers = nn.ReLU) -> None:
        super().__init__()
        make = Layers.of(act)
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(itertools.pairwise(sizes)):
            layers.append(make.linear(a, b))
            if i < len(sizes) - 2:
                layers.append(act())
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class LeNet5(nn.Module):
    """LeCun et al. 1998 on 28x28 inputs (padding 2 stands in for the original 32x32), with ReLU
    and max pooling as most modern re-implementations use. `act` may be a whole `Layers` factory:
    then its convolutions, poolings and linear layers are built by it too."""

    def __init__(self, classes: int = 10, act: ActFactory | Layers = nn.ReLU) -> None:
        super().__init__()
        make = Layers.of(act)
        self.features = nn.Sequential(
            make.conv(1, 6, 5, padding=2), make.act(), make.pool(2),
            make.conv(6, 16, 5), make.act(), make.pool(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), make.linear(16 * 5 * 5, 120), make.act(), make.linear(120, 84),
            make.act(), make.linear(84, classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class SequenceLSTM(nn.Module):
    """One LSTM layer reads the sequence; a linear head maps the last hidden state to the target."""

    def __init__(self, inputs: int = 1, hidden: int = 32, outputs: int = 1) -> None:
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, batch_first=True)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class DeepNet(nn.Module):
    """`depth` hidden layers of the same width, plain (h = act(W h)) or residual (h = h + act(W h)).

    Same layers, same initial weights for the same seed: the only difference is the `+ h`. With
    PyTorch's default initialisation each plain layer shrinks the signal and its gradient by a
    constant factor, so after twenty of them the first layers barely learn."""

    def __init__(self, inputs: int, width: int, depth: int, outputs: int, *, residual: bool,
                 act: ActFactory = nn.ReLU) -> None:
        super().__init__()
        self.residual = residual
        self.stem = nn.Linear(inputs, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.acts = nn.ModuleList(act() for _ in range(depth + 1))
        self.head = nn.Linear(width, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.acts[0](self.stem(x))
        for layer, act in zip(self.hidden, self.acts[1:]):
            h = h + act(layer(h)) if self.residual else act(layer(h))
        return self.head(h)

    def layer_weights(self) -> list[tuple[str, torch.Tensor]]:
        named: list[tuple[str, torch.Tensor]] = [("in", self.stem.weight)]
        named += [(str(i + 1), cast(torch.Tensor, layer.weight))
                  for i, layer in enumerate(self.hidden)]
        return named + [("out", self.head.weight)]
