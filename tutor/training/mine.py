"""The learner's own implementations, put to work inside a real training run (`--use-mine`).

Trust: unlike grading, this imports the learner's file into the run process with a plain
`importlib` load and calls it in-process. That is deliberate and safe enough for its purpose: it
is the learner's own code, on their own machine, run because they asked for it, and only after
the same file passed its sandboxed check (`dltutor train` refuses otherwise). Anything it prints
goes to the run's stderr, never into the event stream.

What goes where is decided by each exercise's `[train]` slot (`tutor.course.train_slot`), never by
its id: a `Piece` is one learner function with its slot, and the adapters are keyed by the slot's
kind (`ADAPTED_SLOTS`):
- `optimizer`: `MineOptimizer` calls the step once per parameter tensor per step, on float64 numpy
  copies, as the slot's `args`/`hyper`/`state` say, and writes the result back;
- `relu`, `conv2d`, `maxpool`, `linear`, `softmax_ce`: autograd functions around their numpy
  code (`tutor.training.mine_layers`), put into a model through its layer factory;
- `lstm`: `lstm_forward` runs their cell over a sequence with the torch LSTM's own weights.
  It has no backward, so it runs forward-only beside the PyTorch model on every batch.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch
from torch import nn

from tutor.course.train_slot import TorchArg, TrainSlot

if TYPE_CHECKING:
    from tutor.training.probe import Probe

#: the slot kinds this run process can fill (`tutor.training.registry.SLOTS` lists the same)
ADAPTED_SLOTS = ("optimizer", "relu", "conv2d", "maxpool", "linear", "softmax_ce", "lstm")


class MineError(RuntimeError):
    """The learner's function misbehaved mid-run (raised, wrong shape, non-finite values)."""


@dataclass(frozen=True)
class Piece:
    """One learner function in the run: which exercise, the function, and the slot it fills."""

    exercise: str
    fn: Callable[..., Any]
    slot: TrainSlot


def load_function(path: Path, name: str) -> Callable[..., Any]:
    """Import the learner's file and return its function `name` (see the module docstring)."""
    module_name = f"dltutor_mine_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise MineError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    # a file may import the learner's earlier exercises beside it (`requires` in exercise.toml:
    # `from conv2d_forward import conv2d_forward`): theirs, from their folder. Appended, so a
    # stray numpy.py or torch.py there never shadows the real one.
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise MineError(f"importing your {path.name} failed: {type(exc).__name__}: {exc}") from exc
    fn = getattr(module, name, None)
    if not callable(fn):
        raise MineError(f"{path} has no function {name}()")
    return fn


def host(t: torch.Tensor) -> np.ndarray:
    """A float64 numpy view (a copy only where needed: .cpu() first, MPS has no float64)."""
    return t.detach().cpu().double().numpy()


def _array(value: Any, like: np.ndarray | tuple[int, ...], what: str) -> np.ndarray:
    shape = like.shape if isinstance(like, np.ndarray) else tuple(like)
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != shape:
        raise MineError(f"your {what} returned shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise MineError(f"your {what} returned NaN or infinite values")
    return arr


def _call(fn: Callable[..., Any], what: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        raise MineError(f"your {what} raised {type(exc).__name__}: {exc}") from exc


def _unpack(out: Any, n: int, what: str) -> tuple[Any, ...]:
    if not isinstance(out, (tuple, list)) or len(out) != n:
        raise MineError(f"your {what} should return a tuple of {n} arrays, "
                        f"got {type(out).__name__}")
    return tuple(out)


# -- optimizers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerKind:
    """An optimizer in a run: its PyTorch form and, when it is the learner's, their step."""

    label: str  #: series name (in the race) and what the notes call it
    exercise: str  #: the learner's exercise that implements it; "" for PyTorch's alone
    lr: float  #: a learning rate that suits it on the race's problem
    torch_name: str = "SGD"  #: the torch.optim class
    torch_args: tuple[tuple[str, TorchArg], ...] = ()
    slot: TrainSlot | None = None  #: how to call the learner's step (None: PyTorch's alone)

    @classmethod
    def of(cls, piece: Piece, lr: float) -> OptimizerKind:
        """The optimizer a learner's `[train] slot = "optimizer"` describes."""
        s = piece.slot
        return cls(s.label, piece.exercise, s.lr if s.lr is not None else lr, s.torch,
                   s.torch_args, s)

    def torch_optimizer(self, params: Iterable[torch.Tensor], lr: float) -> torch.optim.Optimizer:
        make = getattr(torch.optim, self.torch_name, None)
        if not isinstance(make, type) or not issubclass(make, torch.optim.Optimizer):
            raise MineError(f"torch.optim has no optimizer {self.torch_name!r}")
        return cast(Any, make)(params, lr=lr, **dict(self.torch_args))


#: PyTorch's optimizers as the runs use them when no learner code names one (the race runs all
#: six); a learner's optimizer with the same label is compared with it
OPTIMIZERS: dict[str, OptimizerKind] = {k.label: k for k in (
    OptimizerKind("SGD", "", 0.2, "SGD"),
    OptimizerKind("momentum", "", 0.05, "SGD", (("momentum", 0.9),)),
    OptimizerKind("Nesterov", "", 0.05, "SGD", (("momentum", 0.9), ("nesterov", True))),
    OptimizerKind("Adagrad", "", 0.03, "Adagrad", (("eps", 1e-10),)),
    OptimizerKind("RMSprop", "", 0.003, "RMSprop", (("alpha", 0.99), ("eps", 1e-8))),
    OptimizerKind("Adam", "", 0.01, "Adam", (("betas", (0.9, 0.999)), ("eps", 1e-8))),
)}


class MineOptimizer(torch.optim.Optimizer):
    """A torch optimizer whose update is the learner's numpy step function, tensor by tensor.

    With a `probe`, PyTorch's own optimizer steps shadow copies of the parameters from the same
    values with the same gradients, and the probe compares the two updates at every step."""

    def __init__(self, params: Iterable[nn.Parameter], fn: Callable[..., Any],
                 kind: OptimizerKind, lr: float, probe: Probe | None = None) -> None:
        if kind.slot is None:
            raise MineError(f"no learner version of {kind.label}")
        params = list(params)
        super().__init__(params, {"lr": lr})
        self.fn = fn
        self.kind = kind
        self.slot: TrainSlot = kind.slot
        self.probe = probe
        self._shadows: list[torch.Tensor] = []
        self._reference: torch.optim.Optimizer | None = None
        if probe is not None:
            self._shadows = [p.detach().clone() for p in params]
            self._reference = kind.torch_optimizer(self._shadows, lr)

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:  # type: ignore[override]
        probing = self._reference is not None and self.probe is not None
        mine: list[np.ndarray] = []
        starts: list[np.ndarray] = []
        index = -1
        for group in self.param_groups:
            for p in group["params"]:
                index += 1
                if p.grad is None:
                    continue
                param = host(p).copy()
                grad = host(p.grad).copy()
                new = self._update(self.state[p], param, grad, group["lr"])
                if probing:
                    shadow = self._shadows[index]
                    shadow.copy_(p)
                    shadow.grad = p.grad.detach().clone()
                    starts.append(param)
                    mine.append((new - param).reshape(-1))
                p.copy_(torch.from_numpy(new).to(device=p.device, dtype=p.dtype))
        if probing and mine:
            assert self._reference is not None and self.probe is not None
            self._reference.step()
            moved = [s for s in self._shadows if s.grad is not None]
            ref = [(host(s) - start).reshape(-1) for s, start in zip(moved, starts)]
            for s in moved:
                s.grad = None
            # the update, not the parameter: a wrong update is small beside the weights
            self.probe.compare(self.kind.exercise, "update", np.concatenate(mine),
                               np.concatenate(ref))

    def _update(self, state: dict[str, Any], param: np.ndarray, grad: np.ndarray,
                lr: float) -> np.ndarray:
        """One call of the learner's step as the slot describes it: `args` positional, `lr`
        and the other hyper-parameters by keyword, the state passed back in every step."""
        slot, what = self.slot, self.kind.exercise
        state["t"] = t = state.get("t", 0) + 1
        hyper = dict(slot.hyper)
        for name in slot.state:
            if name not in state:
                state[name] = None if slot.state_start == "none" else np.zeros_like(param)
        values: dict[str, Any] = {"param": param, "grad": grad, "lr": lr, "t": t, **hyper,
                                  **{name: state[name] for name in slot.state}}
        positional = [values[name] for name in slot.args]
        keywords = {name: values[name] for name in ("lr", *hyper) if name not in slot.args}
        out = _call(self.fn, what, *positional, **keywords)
        if slot.state:
            parts = _unpack(out, 1 + len(slot.state), what)
            new = _array(parts[0], param, what)
            for name, value in zip(slot.state, parts[1:]):
                # a copy: their next step may change the array they returned in place
                state[name] = np.array(_array(value, param, what))
        else:
            new = _array(out, param, what)
        return np.array(new, dtype=np.float64)  # a copy: their state may alias it


# -- lstm_cell ---------------------------------------------------------------------------------


@torch.no_grad()
def lstm_forward(fn: Callable[..., Any], lstm: nn.LSTM, x: torch.Tensor,
                 what: str = "LSTM cell") -> torch.Tensor:
    """The last hidden state of a one-layer, batch-first `lstm` on `x`, computed by the learner's
    `lstm_cell` step by step in float64 numpy, with the torch module's current weights."""
    w_ih, w_hh, b_ih, b_hh = (host(cast(torch.Tensor, getattr(lstm, name)))
                              for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                           "bias_hh_l0"))
    seq = host(x)
    n, hidden = seq.shape[0], lstm.hidden_size
    h = np.zeros((n, hidden))
    c = np.zeros((n, hidden))
    for t in range(seq.shape[1]):
        out = _call(fn, what, seq[:, t], h, c, w_ih, w_hh, b_ih, b_hh)
        h, c = (_array(v, h, what) for v in _unpack(out, 2, what))
    return torch.from_numpy(h).to(device=x.device, dtype=x.dtype)
