"""The learner's own implementations, put to work inside a real training run (`--use-mine`).

Trust: unlike grading, this imports the learner's file into the run process with a plain
`importlib` load and calls it in-process. That is deliberate and safe enough for its purpose: it
is the learner's own code, on their own machine, run because they asked for it, and only after
the same file passed its sandboxed check (`dltutor train` refuses otherwise). Anything it prints
goes to the run's stderr, never into the event stream.

What can be swapped in:
- an optimizer step (`adam_step`, `momentum_step`, `nesterov_step`, `adagrad_step`,
  `rmsprop_step`): `MineOptimizer` calls it once per parameter tensor per step, on float64 numpy
  copies, and writes the result back;
- `relu_backward`: `MineReLU` is a ReLU whose backward pass is theirs;
- `lstm_cell`: `lstm_forward` runs their cell over a sequence with the torch LSTM's own weights.
  It has no backward, so it runs forward-only beside the PyTorch model on every batch.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn


class MineError(RuntimeError):
    """The learner's function misbehaved mid-run (raised, wrong shape, non-finite values)."""


def load_function(path: Path, name: str) -> Callable[..., Any]:
    """Import the learner's file and return its function `name` (see the module docstring)."""
    module_name = f"dltutor_mine_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise MineError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise MineError(f"importing your {path.name} failed: {type(exc).__name__}: {exc}") from exc
    fn = getattr(module, name, None)
    if not callable(fn):
        raise MineError(f"{path} has no function {name}()")
    return fn


def _array(value: Any, like: np.ndarray, what: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != like.shape:
        raise MineError(f"your {what} returned shape {arr.shape}, expected {like.shape}")
    if not np.all(np.isfinite(arr)):
        raise MineError(f"your {what} returned NaN or infinite values")
    return arr


def _call(fn: Callable[..., Any], what: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        raise MineError(f"your {what} raised {type(exc).__name__}: {exc}") from exc


# -- optimizers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerKind:
    """An optimizer of the race: its PyTorch form and how to drive the learner's step function."""

    label: str  #: series name in the race
    exercise: str
    lr: float  #: a learning rate that suits it on the race's problem
    hyper: dict[str, float]

    def torch_optimizer(self, params: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
        h = self.hyper
        if self.exercise == "adam_step":
            return torch.optim.Adam(params, lr=lr, betas=(h["beta1"], h["beta2"]), eps=h["eps"])
        if self.exercise == "momentum_step":
            return torch.optim.SGD(params, lr=lr, momentum=h["momentum"])
        if self.exercise == "nesterov_step":
            return torch.optim.SGD(params, lr=lr, momentum=h["momentum"], nesterov=True)
        if self.exercise == "adagrad_step":
            return torch.optim.Adagrad(params, lr=lr, eps=h["eps"])
        if self.exercise == "rmsprop_step":
            return torch.optim.RMSprop(params, lr=lr, alpha=h["alpha"], eps=h["eps"])
        return torch.optim.SGD(params, lr=lr)  # plain SGD: no exercise of its own


OPTIMIZERS: dict[str, OptimizerKind] = {k.label: k for k in (
    OptimizerKind("SGD", "", 0.2, {}),
    OptimizerKind("momentum", "momentum_step", 0.05, {"momentum": 0.9}),
    OptimizerKind("Nesterov", "nesterov_step", 0.05, {"momentum": 0.9}),
    OptimizerKind("Adagrad", "adagrad_step", 0.03, {"eps": 1e-10}),
    OptimizerKind("RMSprop", "rmsprop_step", 0.003, {"alpha": 0.99, "eps": 1e-8}),
    OptimizerKind("Adam", "adam_step", 0.01, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
)}
BY_EXERCISE = {k.exercise: k for k in OPTIMIZERS.values() if k.exercise}


class MineOptimizer(torch.optim.Optimizer):
    """A torch optimizer whose update is the learner's numpy step function, tensor by tensor."""

    def __init__(self, params: Iterable[nn.Parameter], fn: Callable[..., Any],
                 kind: OptimizerKind, lr: float) -> None:
        super().__init__(params, {"lr": lr})
        self.fn = fn
        self.kind = kind

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:  # type: ignore[override]
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                param = p.detach().cpu().double().numpy().copy()
                grad = p.grad.detach().cpu().double().numpy().copy()
                new = self._update(state, param, grad, group["lr"])
                p.copy_(torch.from_numpy(new).to(device=p.device, dtype=p.dtype))

    def _update(self, state: dict[str, Any], param: np.ndarray, grad: np.ndarray,
                lr: float) -> np.ndarray:
        ex, h, what = self.kind.exercise, self.kind.hyper, self.kind.exercise
        state["t"] = t = state.get("t", 0) + 1
        if ex == "adam_step":
            m = state.get("m", np.zeros_like(param))
            v = state.get("v", np.zeros_like(param))
            out = _call(self.fn, what, param, grad, m, v, t, lr=lr, beta1=h["beta1"],
                        beta2=h["beta2"], eps=h["eps"])
            new, state["m"], state["v"] = (_array(x, param, what) for x in _unpack(out, 3, what))
        elif ex in ("momentum_step", "nesterov_step"):
            out = _call(self.fn, what, param, grad, state.get("buf"), lr, h["momentum"])
            new, state["buf"] = (_array(x, param, what) for x in _unpack(out, 2, what))
        elif ex == "adagrad_step":
            acc = state.get("sum", np.zeros_like(param))
            out = _call(self.fn, what, param, grad, acc, lr, t, eps=h["eps"])
            new, state["sum"] = (_array(x, param, what) for x in _unpack(out, 2, what))
        elif ex == "rmsprop_step":
            avg = state.get("avg", np.zeros_like(param))
            out = _call(self.fn, what, param, grad, avg, lr, alpha=h["alpha"], eps=h["eps"])
            new, state["avg"] = (_array(x, param, what) for x in _unpack(out, 2, what))
        else:
            raise MineError(f"no learner version of {self.kind.label}")
        return np.array(new, dtype=np.float64)  # a copy: their state may alias it


def _unpack(out: Any, n: int, what: str) -> tuple[Any, ...]:
    if not isinstance(out, (tuple, list)) or len(out) != n:
        raise MineError(f"your {what} should return a tuple of {n} arrays, "
                        f"got {type(out).__name__}")
    return tuple(out)


# -- relu_backward -----------------------------------------------------------------------------


class _MineReLUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, fn: Callable[..., Any]) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x)
        ctx.fn = fn
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx: Any, dout: torch.Tensor) -> tuple[torch.Tensor, None]:  # type: ignore[override]
        (x,) = ctx.saved_tensors
        x_np = x.detach().cpu().double().numpy()
        d_np = dout.detach().cpu().double().numpy()
        dx = _array(_call(ctx.fn, "relu_backward", d_np, x_np), x_np, "relu_backward")
        return torch.from_numpy(dx).to(device=dout.device, dtype=dout.dtype), None


class MineReLU(nn.Module):
    """ReLU forward; the learner's `relu_backward(dout, x)` computes the gradient."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _MineReLUFunction.apply(x, self.fn)


# -- lstm_cell ---------------------------------------------------------------------------------


@torch.no_grad()
def lstm_forward(fn: Callable[..., Any], lstm: nn.LSTM, x: torch.Tensor) -> torch.Tensor:
    """The last hidden state of a one-layer, batch-first `lstm` on `x`, computed by the learner's
    `lstm_cell` step by step in float64 numpy, with the torch module's current weights."""
    def host(t: torch.Tensor) -> np.ndarray:
        return t.detach().cpu().double().numpy()  # .cpu() first: MPS has no float64

    w_ih, w_hh, b_ih, b_hh = (host(cast(torch.Tensor, getattr(lstm, name)))
                              for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                           "bias_hh_l0"))
    seq = host(x)
    n, hidden = seq.shape[0], lstm.hidden_size
    h = np.zeros((n, hidden))
    c = np.zeros((n, hidden))
    for t in range(seq.shape[1]):
        out = _call(fn, "lstm_cell", seq[:, t], h, c, w_ih, w_hh, b_ih, b_hh)
        h, c = (_array(v, h, "lstm_cell") for v in _unpack(out, 2, "lstm_cell"))
    return torch.from_numpy(h).to(device=x.device, dtype=x.dtype)
