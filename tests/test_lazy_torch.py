"""The stand-ins for torch._dynamo and symbolic_shapes: optimizers step and backward passes run to
the same numbers without importing the real modules (nor sympy), and anything else asked of a
stand-in loads the real one (run in fresh interpreters: the stand-ins change `sys.modules`)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

STEP_EVERY_OPTIMIZER = r"""
import json, sys
import torch
if sys.argv[1] == "stand-in":
    from tutor.lazy_torch import install
    assert install() == ["torch._dynamo", "torch.fx.experimental.symbolic_shapes"]
runs = {}
for name, kw in (("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("Adam", dict(lr=0.1)),
                 ("AdamW", dict(lr=0.1, weight_decay=0.1)), ("Adagrad", dict(lr=0.1)),
                 ("RMSprop", dict(lr=0.01, momentum=0.5)), ("Adadelta", dict(lr=1.0))):
    p = torch.nn.Parameter(torch.linspace(-1, 1, 7, dtype=torch.float64))
    opt = getattr(torch.optim, name)([p], **kw)
    for _ in range(4):
        opt.zero_grad()
        (p ** 3 - p).sum().backward()
        opt.step()
    runs[name] = p.detach().tolist()
torch.manual_seed(0)
x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
w = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
y = torch.tanh(x @ w)
y.backward(torch.linspace(-1, 1, 15, dtype=torch.float64).reshape(5, 3))  # an explicit grad
runs["backward"] = [x.grad.tolist(), w.grad.tolist()]
try:
    torch.relu(x).backward(torch.ones(4, 5, dtype=torch.float64))
except RuntimeError as exc:
    runs["refused"] = "Mismatch in shape" in str(exc)
kind = type(sys.modules["torch._dynamo"]).__name__
shapes = type(sys.modules["torch.fx.experimental.symbolic_shapes"]).__name__
print(json.dumps({"runs": runs, "dynamo": kind, "shapes": shapes,
                  "sympy": "sympy" in sys.modules}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, timeout=300, cwd=REPO)
    return json.loads(out.stdout.splitlines()[-1])


def test_optimizers_step_to_the_same_numbers_without_the_real_module():
    stand_in = _run(STEP_EVERY_OPTIMIZER, "stand-in")
    real = _run(STEP_EVERY_OPTIMIZER, "real")
    assert stand_in["runs"] == real["runs"]  # bit for bit
    assert stand_in["runs"]["refused"] is True  # a gradient of the wrong shape is still refused
    assert stand_in["dynamo"] == "_Dynamo" and stand_in["shapes"] == "_Shapes"
    assert not stand_in["sympy"]
    assert real["dynamo"] == "module" and real["sympy"]


def test_anything_else_asked_of_it_loads_the_real_module():
    code = r"""
import json, sys
import torch
from tutor.lazy_torch import install
install()
import torch._dynamo
config = torch._dynamo.config               # an attribute the stand-in does not have
from torch._dynamo import eval_frame        # and a submodule
from torch.fx.experimental import symbolic_shapes
env = symbolic_shapes.ShapeEnv                # a name the shapes stand-in does not answer
print(json.dumps({"dynamo": type(sys.modules["torch._dynamo"]).__name__,
                  "shapes": type(sys.modules["torch.fx.experimental.symbolic_shapes"]).__name__,
                  "config": type(config).__name__, "frame": eval_frame.__name__,
                  "env": env.__name__}))
"""
    seen = _run(code)
    assert seen["dynamo"] == "module" and seen["shapes"] == "module"  # the real ones now
    assert seen["frame"] == "torch._dynamo.eval_frame" and seen["env"] == "ShapeEnv"
