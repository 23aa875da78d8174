"""The trusted-side scan for forbidden shortcuts: what the instructor is told, whatever the
in-child stubs (advisory) caught."""

from __future__ import annotations

from tutor.grading.scan import forbidden_uses

FORBIDDEN = ("torch.relu", "torch.nn.functional.relu")


def test_direct_and_aliased_uses_are_flagged_with_their_line():
    source = ("import torch\nimport torch.nn.functional as F\nfrom torch import relu as r\n"
              "def f(x):\n    return F.relu(torch.relu(x))\n")
    flags = forbidden_uses(source, FORBIDDEN)
    assert any("line 5" in f and "torch.nn.functional.relu" in f for f in flags)
    assert any("line 5" in f and "uses torch.relu" in f for f in flags)
    assert any("line 3" in f and "imports torch.relu" in f for f in flags)


def test_indirect_routes_are_flagged():
    source = ("import torch, importlib\n"
              "def f(x):\n"
              "    g = getattr(torch, 're' + 'lu')\n"
              "    h = torch._C._VariableFunctions.relu\n"
              "    return eval('torch.relu')(x)\n")
    text = " | ".join(forbidden_uses(source, FORBIDDEN))
    assert "getattr()" in text and "eval()" in text and "importlib" in text
    assert "torch._C._VariableFunctions.relu" in text


def test_honest_code_is_not_flagged():
    source = ("import numpy as np\n"
              "def relu_backward(dout, x):\n    return np.where(x > 0, dout, 0.0)\n")
    assert forbidden_uses(source, FORBIDDEN) == ()
    assert forbidden_uses("getattr(obj, 'shape')\n", FORBIDDEN) == ()


def test_unparsable_or_huge_source_is_not_an_error():
    assert forbidden_uses("def (:\n", FORBIDDEN) == ()
    assert forbidden_uses("x = 1\n" * 300_000, FORBIDDEN) == ()
    assert forbidden_uses("import torch\ntorch.relu(1)\n", ()) == ()


def test_a_flag_reaches_the_check_result(grader, course, write):
    relu = course.exercise("relu_backward")
    path = write("relu_backward.py", "import torch\nimport numpy as np\n"
                 "def relu_backward(dout, x):\n"
                 "    f = torch._C._VariableFunctions.relu\n"
                 "    return np.where(x > 0, dout, 0.0)\n")
    result = grader.check(relu, path)
    assert result.passed  # a flag is not a verdict
    assert any("_VariableFunctions" in f for f in result.flags)
