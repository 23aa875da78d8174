"""Which zygote runs a check (tutor.grading.routing): a use of torch in code sends a check to the
torch zygote; the word in a comment or a docstring does not. The verdict never depends on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.grading.routing import driver_uses_torch, uses_torch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("source", "uses"), [
    (b'"""Checked against torch.optim.Adam."""\nimport numpy as np\n', False),
    (b"def f(x):\n    '''Like torch.relu.'''\n    return x  # torch would do it too\n", False),
    (b"import numpy as np\n", False),
    (b"import torch\n", True),
    (b"import numpy as np, torch\n", True),
    (b"from torch import nn\n", True),
    (b"def f(x):\n    import torch.nn.functional as F\n    return F.relu(x)\n", True),
    (b'm = __import__("torch")\n', True),
    (b"import torchvision\n", True),
    (b"def f(:\n    torch", True),  # a syntax error: still a name
    (b'"""an unterminated docstring about torch', True),  # cannot be tokenized: the word decides
])
def test_uses_torch(source: bytes, uses: bool) -> None:
    assert uses_torch(source) is uses


def test_the_shipped_drivers_that_only_mention_torch_go_light() -> None:
    """adam_step's drive.py names torch.optim.Adam in its docstring only: before routing by
    tokens, every adam_step check paid for a child of the torch zygote."""
    course = load_course()
    drivers = {ex.id: ex.driver_path.read_bytes() for ex in course.exercises.values() if ex.driver_path}
    assert b"torch" in drivers["adam_step"]
    assert not driver_uses_torch(drivers["adam_step"])
    for ex_id, source in drivers.items():
        assert driver_uses_torch(source) == (b"import torch" in source
                                             or b"from torch" in source), ex_id


def test_a_light_child_that_imports_torch_itself_still_passes(tmp_path: Path, grader) -> None:
    """Routed light (torch only reached through importlib), the check still passes: the child
    imports torch itself, within the exercise's memory limit."""
    (tmp_path / "relu_backward.py").write_text(
        "import importlib\nimport numpy as np\n_t = importlib.import_module('tor' + 'ch')\n\n\n"
        "def relu_backward(dout, x):\n"
        "    x, dout = _t.from_numpy(np.asarray(x)), _t.from_numpy(np.asarray(dout))\n"
        "    return _t.where(x > 0, dout, _t.zeros_like(dout)).numpy()\n")
    assert not uses_torch((tmp_path / "relu_backward.py").read_bytes())
    result = grader.check(load_course().exercise("relu_backward"), tmp_path / "relu_backward.py")
    assert result.passed, result.message
