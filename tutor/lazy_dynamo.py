"""Stepping a `torch.optim` optimizer without paying for `torch._dynamo` until something needs it.

Every `Optimizer.step()` runs `import torch._dynamo; torch._dynamo.graph_break()`, and a few
optimizer methods are wrapped so that their first call runs `torch._dynamo.disable(method)`:
marks for `torch.compile`, which dltutor never uses. The import behind them costs 1.4 s on a
quiet 2-core machine (sympy and the compiler stack; 2.7 s on a busy one), on the way to the
first chart point of every training run and to the first optimizer check of the grader.

`install()` puts a stand-in for `torch._dynamo` in `sys.modules` that answers those three calls
the way PyTorch's own module does outside a compiled region (`graph_break()` does nothing,
`disable(fn)` returns a function that calls `fn`, `is_compiling()` is False). Anything else asked
of it — an attribute, a submodule — imports the real module, puts it in place and answers
from it, so code that really uses dynamo still gets dynamo. Results are the same either way
(a test steps every optimizer both ways and compares).

Used by the training run and the grading worker before their first optimizer. Imports torch
only when called."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

NAME = "torch._dynamo"


class _StandIn(types.ModuleType):
    """`torch._dynamo` until something needs more than the three no-ops."""

    def __init__(self) -> None:
        super().__init__(NAME, "stand-in for torch._dynamo: the real one loads on demand")

    @staticmethod
    def graph_break() -> None:
        """Outside `torch.compile` a graph break is nothing."""

    @staticmethod
    def is_compiling() -> bool:
        return False

    @staticmethod
    def disable(fn: Callable[..., Any] | None = None, recursive: bool = True,
                **_: Any) -> Any:
        """Outside `torch.compile`, a function marked "do not compile" runs as it is."""
        if fn is None:
            return lambda f: f
        return fn

    def __getattr__(self, name: str) -> Any:
        return getattr(real(), name)


def real() -> types.ModuleType:
    """The real torch._dynamo, imported now if the stand-in was still in its place."""
    module = sys.modules.get(NAME)
    if isinstance(module, _StandIn):
        del sys.modules[NAME]
        import torch

        if getattr(torch, "_dynamo", None) is module:
            delattr(torch, "_dynamo")
        module = importlib.import_module(NAME)
    assert module is not None
    return module


def install() -> bool:
    """Put the stand-in in place, unless the real module is already loaded (then it stays)."""
    if NAME in sys.modules:
        return False
    import torch

    stand_in = _StandIn()
    sys.modules[NAME] = stand_in
    torch._dynamo = stand_in  # type: ignore[attr-defined]
    return True
