"""Two of PyTorch's slowest imports, paid only when something really needs them.

- Every `Optimizer.step()` runs `import torch._dynamo; torch._dynamo.graph_break()`, and a few
  optimizer methods are wrapped so that their first call runs `torch._dynamo.disable(method)`:
  marks for `torch.compile`, which dltutor never uses. That import costs 1.4 s on a quiet 2-core
  machine (2.7 s on a busy one), on the way to the first chart point of every training run and
  to the grader's first optimizer check.
- Every `tensor.backward(grad)` with an explicit gradient (the references of the backward
  exercises) runs `from torch.fx.experimental.symbolic_shapes import expect_true, sym_eq` to
  compare two sizes, and that module imports sympy: 0.55 s on the first check of the session.

`install()` puts a stand-in for each module in `sys.modules` that answers those few calls the
way PyTorch's own module does on ordinary tensors outside a compiled region (`graph_break()`
does nothing, `disable(fn)` gives `fn`, `is_compiling()` is False; `sym_eq` and `expect_true`
on plain ints and bools). Anything else asked of a stand-in — another attribute, a submodule,
a symbolic size — imports the real module, puts it in place and answers from it, so code that
really uses them still gets them. Results are the same either way (a test steps every optimizer
and runs backward both ways and compares bit for bit).

Used by the training run and the grading worker. Imports torch only when called."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

DYNAMO = "torch._dynamo"
SHAPES = "torch.fx.experimental.symbolic_shapes"


class _StandIn(types.ModuleType):
    """A module until something needs more than its few plain answers."""

    package = False  #: whether the real module is a package (its `__path__` then loads it)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name not in ("__path__", "__file__", "__all__"):
            raise AttributeError(name)
        if name == "__path__" and not self.package:
            raise AttributeError(name)  # `from X import a` asks; a plain module has none
        return getattr(real(self.__name__), name)


class _Dynamo(_StandIn):
    package = True  # `import torch._dynamo.config` and the like load the real package

    def __init__(self) -> None:
        super().__init__(DYNAMO, "stand-in for torch._dynamo: the real one loads on demand")

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


class _Shapes(_StandIn):
    def __init__(self) -> None:
        super().__init__(SHAPES, "stand-in for symbolic_shapes: the real one loads on demand")

    @staticmethod
    def sym_eq(x: Any, y: Any) -> Any:
        """== on sizes, element by element (PyTorch's own sym_eq on plain ints)."""
        if isinstance(x, (tuple, list)) and isinstance(y, (tuple, list)):
            if len(x) != len(y):
                return False
            same: Any = True
            for a, b in zip(x, y):
                same = same & _Shapes.sym_eq(a, b)
            return same
        if type(x) is int and type(y) is int:
            return x == y
        return real(SHAPES).sym_eq(x, y)  # a symbolic size: the real thing

    @staticmethod
    def expect_true(a: Any, skip: int = 0) -> Any:
        if type(a) is bool:
            return a
        return real(SHAPES).expect_true(a, skip + 1)


def real(name: str) -> types.ModuleType:
    """The real module `name`, imported now if its stand-in was still in its place."""
    module = sys.modules.get(name)
    if isinstance(module, _StandIn):
        del sys.modules[name]
        parent_name, _, attr = name.rpartition(".")
        parent = sys.modules.get(parent_name)
        if parent is not None and getattr(parent, attr, None) is module:
            delattr(parent, attr)
        module = importlib.import_module(name)
    assert module is not None
    return module


def install() -> list[str]:
    """Put the stand-ins in place where the real modules are not loaded yet; the names put."""
    importlib.import_module("torch.fx.experimental")  # torch and the parents of both names

    done = []
    for name, make in ((DYNAMO, _Dynamo), (SHAPES, _Shapes)):
        if name in sys.modules:
            continue
        stand_in = make()
        sys.modules[name] = stand_in
        parent_name, _, attr = name.rpartition(".")
        setattr(sys.modules[parent_name], attr, stand_in)
        done.append(name)
    return done
