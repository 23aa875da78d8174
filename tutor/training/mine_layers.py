"""The learner's layers: `torch.autograd.Function`s around their numpy code, in float64.

Each wrapper runs the learner's half of a slot and PyTorch's for the half they have not written
(conv2d_forward alone: PyTorch computes the gradients of their forward's output), so a model built
from these trains like PyTorch's own; `mine_layers` makes the layer factory (`models.Layers`) a
model is built from. The modules subclass PyTorch's (`MineConv2d` is an `nn.Conv2d`), so they
draw the same initial weights from the same seed and have the same parameter names.

While a model trains, every call also hands its result and PyTorch's on the same inputs to the
run's `Probe`, which names the first piece that departs (`tutor.training.probe`).

The signatures are the exercises' (their READMEs): conv2d_forward(x, w, b, stride, padding),
conv2d_backward(dout, x, w, stride, padding) -> (dx, dw, db), maxpool_forward(x, k, stride),
maxpool_backward(dout, x, k, stride), linear_backward(dout, x, W) -> (dx, dW, db),
softmax_ce_backward(logits, targets) -> dlogits of the batch mean, relu_backward(dout, x).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.grad import conv2d_input, conv2d_weight

from tutor.training.mine import Piece, _array, _call, _unpack, host
from tutor.training.models import Layers
from tutor.training.probe import Probe

Slots = Mapping[tuple[str, str], Piece]  #: (kind, part) -> the learner's piece


def _back(array: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(array).to(device=like.device, dtype=like.dtype)


# -- relu --------------------------------------------------------------------------------------


class _ReLUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, piece: Piece, probe: Probe | None) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x)
        ctx.piece, ctx.probe = piece, probe
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx: Any, dout: torch.Tensor) -> tuple[torch.Tensor, None, None]:  # type: ignore[override]
        (x,) = ctx.saved_tensors
        x_np, d_np = host(x), host(dout)
        what = ctx.piece.exercise
        dx = _array(_call(ctx.piece.fn, what, d_np, x_np), x_np, what)
        if ctx.probe is not None:
            ctx.probe.compare(what, "dx", dx, dout * (x > 0))
        return _back(dx, dout), None, None


class MineReLU(nn.Module):
    """ReLU forward; the learner's relu_backward(dout, x) computes the gradient."""

    def __init__(self, piece: Piece, probe: Probe | None = None) -> None:
        super().__init__()
        self.piece = piece
        self.probe = probe

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _ReLUFunction.apply(x, self.piece, _probing(self))


def _probing(module: nn.Module) -> Probe | None:
    """The module's probe while it trains (not during evaluation passes)."""
    probe = getattr(module, "probe", None)
    return probe if module.training and torch.is_grad_enabled() else None


# -- conv2d ------------------------------------------------------------------------------------


def _torch_conv_grads(x: torch.Tensor, w: torch.Tensor, dout: torch.Tensor, stride: int,
                      padding: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """PyTorch's gradients of conv2d(x, w, b) for the upstream gradient `dout`."""
    return (conv2d_input(x.shape, w, dout, stride=stride, padding=padding),
            conv2d_weight(x, w.shape, dout, stride=stride, padding=padding),
            dout.sum(dim=(0, 2, 3)))


class _Conv2dFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,  # type: ignore[override]
                pieces: tuple[Piece | None, Piece | None], stride: int, padding: int,
                probe: Probe | None) -> torch.Tensor:
        ctx.save_for_backward(x, w, b)
        ctx.pieces, ctx.stride, ctx.padding, ctx.probe = pieces, stride, padding, probe
        forward = pieces[0]
        if forward is None:
            return F.conv2d(x, w, b, stride=stride, padding=padding)
        n, _, h, wd = x.shape
        c_out, _, kh, kw = w.shape
        shape = (n, c_out, (h + 2 * padding - kh) // stride + 1,
                 (wd + 2 * padding - kw) // stride + 1)
        what = forward.exercise
        y = _array(_call(forward.fn, what, host(x), host(w), host(b), stride, padding), shape,
                   what)
        if probe is not None:
            probe.compare(what, "output", y, F.conv2d(x, w, b, stride=stride, padding=padding))
        return _back(y, x)

    @staticmethod
    def backward(ctx: Any, dout: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        x, w, b = ctx.saved_tensors
        stride, padding, probe = ctx.stride, ctx.padding, ctx.probe
        backward = ctx.pieces[1]
        if backward is None:
            return (*_torch_conv_grads(x, w, dout, stride, padding), None, None, None, None)
        what = backward.exercise
        out = _unpack(_call(backward.fn, what, host(dout), host(x), host(w), stride, padding),
                      3, what)
        dx, dw, db = (_array(v, like, what) for v, like in
                      zip(out, (tuple(x.shape), tuple(w.shape), tuple(b.shape))))
        if probe is not None:
            ref = _torch_conv_grads(x, w, dout, stride, padding)
            for label, mine, theirs in zip(("dx", "dw", "db"), (dx, dw, db), ref):
                probe.compare(what, label, mine, theirs)
        return _back(dx, x), _back(dw, w), _back(db, b), None, None, None, None


class MineConv2d(nn.Conv2d):
    """nn.Conv2d whose forward and/or backward pass is the learner's (bias, square kernel, one
    stride and padding for both axes, no dilation or groups: what the exercises implement)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: int = 0, *, forward: Piece | None = None,
                 backward: Piece | None = None, probe: Probe | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
        self.pieces = (forward, backward)
        self.probe = probe

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert self.bias is not None
        return _Conv2dFunction.apply(x, self.weight, self.bias, self.pieces,
                                     int(self.stride[0]), int(self.padding[0]),  # type: ignore[index]
                                     _probing(self))


# -- maxpool -----------------------------------------------------------------------------------


def _torch_pool_grad(x: torch.Tensor, dout: torch.Tensor, k: int, stride: int) -> torch.Tensor:
    with torch.enable_grad():
        leaf = x.detach().requires_grad_(True)
        (dx,) = torch.autograd.grad(F.max_pool2d(leaf, k, stride), leaf, dout)
    return dx


class _MaxPoolFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, pieces: tuple[Piece | None, Piece | None],  # type: ignore[override]
                k: int, stride: int, probe: Probe | None) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.pieces, ctx.k, ctx.stride, ctx.probe = pieces, k, stride, probe
        forward = pieces[0]
        if forward is None:
            return F.max_pool2d(x, k, stride)
        n, c, h, w = x.shape
        shape = (n, c, (h - k) // stride + 1, (w - k) // stride + 1)
        what = forward.exercise
        y = _array(_call(forward.fn, what, host(x), k, stride), shape, what)
        if probe is not None:
            probe.compare(what, "output", y, F.max_pool2d(x, k, stride))
        return _back(y, x)

    @staticmethod
    def backward(ctx: Any, dout: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        (x,) = ctx.saved_tensors
        backward, probe = ctx.pieces[1], ctx.probe
        if backward is None:
            return _torch_pool_grad(x, dout, ctx.k, ctx.stride), None, None, None, None
        what = backward.exercise
        dx = _array(_call(backward.fn, what, host(dout), host(x), ctx.k, ctx.stride),
                    tuple(x.shape), what)
        if probe is not None:
            probe.compare(what, "dx", dx, _torch_pool_grad(x, dout, ctx.k, ctx.stride))
        return _back(dx, x), None, None, None, None


class MineMaxPool2d(nn.MaxPool2d):
    """nn.MaxPool2d(k) (stride k unless given) whose forward and/or backward is the learner's."""

    def __init__(self, kernel_size: int, stride: int | None = None, *,
                 forward: Piece | None = None, backward: Piece | None = None,
                 probe: Probe | None = None) -> None:
        super().__init__(kernel_size, stride)
        self.pieces = (forward, backward)
        self.probe = probe

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s = int(self.kernel_size), int(self.stride)  # type: ignore[arg-type]
        return _MaxPoolFunction.apply(x, self.pieces, k, s, _probing(self))


# -- linear ------------------------------------------------------------------------------------


class _LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor,  # type: ignore[override]
                piece: Piece, probe: Probe | None) -> torch.Tensor:
        ctx.save_for_backward(x, w, b)
        ctx.piece, ctx.probe = piece, probe
        return _back(host(x) @ host(w).T + host(b), x)  # y = x Wᵀ + b, in numpy too

    @staticmethod
    def backward(ctx: Any, dout: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        x, w, b = ctx.saved_tensors
        piece, probe = ctx.piece, ctx.probe
        what = piece.exercise
        out = _unpack(_call(piece.fn, what, host(dout), host(x), host(w)), 3, what)
        dx, dw, db = (_array(v, like, what) for v, like in
                      zip(out, (tuple(x.shape), tuple(w.shape), tuple(b.shape))))
        if probe is not None:
            with torch.enable_grad():
                leaves = [t.detach().requires_grad_(True) for t in (x, w, b)]
                ref = torch.autograd.grad(F.linear(*leaves), leaves, dout)
            for label, mine, theirs in zip(("dx", "dW", "db"), (dx, dw, db), ref):
                probe.compare(what, label, mine, theirs)
        return _back(dx, x), _back(dw, w), _back(db, b), None, None


class MineLinear(nn.Linear):
    """nn.Linear computing x Wᵀ + b in numpy, with the learner's linear_backward for the
    gradients."""

    def __init__(self, in_features: int, out_features: int, *, backward: Piece,
                 probe: Probe | None = None) -> None:
        super().__init__(in_features, out_features)
        self.piece = backward
        self.probe = probe

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _LinearFunction.apply(x, self.weight, self.bias, self.piece, _probing(self))


# -- softmax cross-entropy ---------------------------------------------------------------------


class _SoftmaxCEFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, logits: torch.Tensor, targets: torch.Tensor, piece: Piece,  # type: ignore[override]
                probe: Probe | None) -> torch.Tensor:
        ctx.save_for_backward(logits, targets)
        ctx.piece, ctx.probe = piece, probe
        return F.cross_entropy(logits, targets)  # the mean loss, computed stably by PyTorch

    @staticmethod
    def backward(ctx: Any, dloss: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        logits, targets = ctx.saved_tensors
        piece, probe = ctx.piece, ctx.probe
        what = piece.exercise
        dz = _array(_call(piece.fn, what, host(logits), targets.detach().cpu().numpy()),
                    tuple(logits.shape), what)
        if probe is not None:
            with torch.enable_grad():
                leaf = logits.detach().requires_grad_(True)
                (ref,) = torch.autograd.grad(F.cross_entropy(leaf, targets), leaf)
            probe.compare(what, "dlogits", dz, ref)
        return _back(dz, logits) * dloss, None, None, None


class MineSoftmaxCE:
    """The loss `loss_fn(logits, targets)`: PyTorch's mean cross-entropy forward, the learner's
    softmax_ce_backward for its gradient."""

    def __init__(self, piece: Piece, probe: Probe | None = None) -> None:
        self.piece = piece
        self.probe = probe

    def __call__(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        probe = self.probe if torch.is_grad_enabled() else None
        return _SoftmaxCEFunction.apply(logits, targets, self.piece, probe)


# -- the factory -------------------------------------------------------------------------------


def mine_layers(pieces: Slots, probe: Probe | None = None) -> Layers:
    """The layer factory with the learner's pieces where they have them, PyTorch's elsewhere."""
    torch_layers = Layers()
    relu = pieces.get(("relu", "backward"))
    conv = (pieces.get(("conv2d", "forward")), pieces.get(("conv2d", "backward")))
    pool = (pieces.get(("maxpool", "forward")), pieces.get(("maxpool", "backward")))
    linear = pieces.get(("linear", "backward"))

    def act() -> nn.Module:
        return MineReLU(relu, probe) if relu is not None else nn.ReLU()

    def conv2d(cin: int, cout: int, k: int, stride: int = 1, padding: int = 0) -> nn.Module:
        if conv == (None, None):
            return nn.Conv2d(cin, cout, k, stride=stride, padding=padding)
        return MineConv2d(cin, cout, k, stride, padding, forward=conv[0], backward=conv[1],
                          probe=probe)

    def pool2d(k: int, stride: int | None = None) -> nn.Module:
        if pool == (None, None):
            return nn.MaxPool2d(k, stride)
        return MineMaxPool2d(k, stride, forward=pool[0], backward=pool[1], probe=probe)

    def dense(fan_in: int, fan_out: int) -> nn.Module:
        if linear is None:
            return nn.Linear(fan_in, fan_out)
        return MineLinear(fan_in, fan_out, backward=linear, probe=probe)

    return Layers(act=act if relu is not None else torch_layers.act,
                  conv=conv2d, pool=pool2d, linear=dense)


def mine_loss(pieces: Slots, probe: Probe | None = None) -> MineSoftmaxCE | None:
    """The learner's loss for a classification run, or None (PyTorch's)."""
    piece = pieces.get(("softmax_ce", "backward"))
    return MineSoftmaxCE(piece, probe) if piece is not None else None


#: which module types carry which slot (tests and the run's notes check that all went in)
CARRIERS: dict[str, tuple[type, ...]] = {
    "relu": (MineReLU,), "conv2d": (MineConv2d,), "maxpool": (MineMaxPool2d,),
    "linear": (MineLinear,),
}
