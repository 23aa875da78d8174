"""The mutator (tutor/grading/mutants.py): each operator makes the mutant it should on a tiny
source, and nothing it produces fails to parse or reads like the original. Pure AST: nothing is
run here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tutor.grading import mutants as mutants_module
from tutor.grading.mutants import KINDS, Mutant, make_mutants

REPO = Path(__file__).resolve().parent.parent


def sources(source: str, kind: str) -> list[str]:
    """The bodies (unparsed, comparable) of the mutants of one kind."""
    return [m.source for m in make_mutants(source, (kind,))]


def same(code: str) -> str:
    return ast.unparse(ast.parse(code))


def one(source: str, kind: str, expected: str) -> Mutant:
    """The mutant of `kind` whose source is `expected`."""
    found = [m for m in make_mutants(source, (kind,)) if m.source == same(expected)]
    assert found, (f"no {kind} mutant reads\n{expected}\namong\n" +
                   "\n---\n".join(sources(source, kind)))
    return found[0]


def test_arithmetic_operators_are_swapped():
    source = "def f(a, b):\n    return a + b * 2\n"
    assert one(source, "arithmetic", "def f(a, b):\n    return a - b * 2\n").line == 2
    one(source, "arithmetic", "def f(a, b):\n    return a + b / 2\n")
    one("def f(a, b):\n    return a ** b\n", "arithmetic", "def f(a, b):\n    return a * b\n")
    one("def f(a, b):\n    return a // b\n", "arithmetic", "def f(a, b):\n    return a / b\n")
    one("def f(a, b):\n    return a @ b\n", "arithmetic", "def f(a, b):\n    return a * b\n")
    one("def f(a, b):\n    a += b\n    return a\n", "arithmetic",
        "def f(a, b):\n    a -= b\n    return a\n")
    assert str(one(source, "arithmetic", "def f(a, b):\n    return a - b * 2\n")) == \
        "line 2: a + b * 2 → a - b * 2"


def test_comparisons_are_swapped():
    source = "def f(x):\n    return x > 0\n"
    one(source, "comparison", "def f(x):\n    return x >= 0\n")
    one(source, "comparison", "def f(x):\n    return x < 0\n")
    one("def f(x):\n    return x == 1\n", "comparison", "def f(x):\n    return x != 1\n")
    one("def f(x):\n    return x is None\n", "comparison",
        "def f(x):\n    return x is not None\n")


def test_constants_are_nudged():
    source = "def f(x):\n    return x * 3 + 0.5\n"
    got = set(sources(source, "constant"))
    for value in ("4", "2", "6", "1"):  # +1, -1, ×2, //2
        assert same(f"def f(x):\n    return x * {value} + 0.5\n") in got
    for value in ("1.5", "-0.5", "1.0", "0.25"):  # +1, -1, ×2, ½
        assert same(f"def f(x):\n    return x * 3 + {value}\n") in got
    zero_one = set(sources("def f(x):\n    return x[0] + x[1]\n", "constant"))
    assert same("def f(x):\n    return x[1] + x[1]\n") in zero_one  # 0 → 1
    assert same("def f(x):\n    return x[0] + x[0]\n") in zero_one  # 1 → 0
    one("def f(x):\n    return x.sum(axis=-1)\n", "constant",
        "def f(x):\n    return x.sum(axis=-2)\n")  # a negative number is nudged as a whole
    flag = one("def f(x):\n    return x.sum(0, keepdims=True)\n", "constant",
               "def f(x):\n    return x.sum(0, keepdims=False)\n")
    assert flag.description == "keepdims=True → keepdims=False"


def test_docstrings_messages_and_annotations_are_left_alone():
    source = ('def f(x: "list[int]") -> float:\n    """Doubles 2 things."""\n'
              '    if x is None:\n        raise ValueError(f"need {2} things")\n    return x\n')
    assert [m for m in make_mutants(source) if m.kind in ("constant", "arithmetic")] == []


def test_default_arguments_are_changed():
    source = "def f(x, eps=1e-08, scale=2):\n    return x / scale + eps\n"
    eps = one(source, "default", "def f(x, eps=2e-08, scale=2):\n    return x / scale + eps\n")
    assert eps.description == "default eps=1e-08 → eps=2e-08"
    one(source, "default", "def f(x, eps=1e-08, scale=3):\n    return x / scale + eps\n")
    assert not [m for m in make_mutants(source, ("constant",)) if "eps" in m.description]


def test_reduction_axis_and_keepdims_change():
    source = "import numpy as np\n\ndef f(x):\n    return np.sum(x, axis=1)\n"
    one(source, "axis", "import numpy as np\n\ndef f(x):\n    return np.sum(x)\n")
    one(source, "keepdims",
        "import numpy as np\n\ndef f(x):\n    return np.sum(x, axis=1, keepdims=True)\n")
    method = "def f(x):\n    return x.mean()\n"
    one(method, "axis", "def f(x):\n    return x.mean(axis=0)\n")
    one(method, "axis", "def f(x):\n    return x.mean(axis=-1)\n")
    positional = "def f(x):\n    return x.max(1)\n"
    one(positional, "axis", "def f(x):\n    return x.max()\n")


def test_sum_and_mean_max_and_min_are_swapped():
    np_source = "import numpy as np\n\ndef f(x):\n    return np.maximum(x, 0) + x.sum()\n"
    swap = one(np_source, "minmax",
               "import numpy as np\n\ndef f(x):\n    return np.minimum(x, 0) + x.sum()\n")
    assert str(swap) == "line 4: np.maximum → np.minimum"
    one(np_source, "reduction",
        "import numpy as np\n\ndef f(x):\n    return np.maximum(x, 0) + x.mean()\n")
    one("def f(a, b):\n    return max(a, b)\n", "minmax", "def f(a, b):\n    return min(a, b)\n")
    one("def f(x):\n    return x.argmax(1)\n", "minmax", "def f(x):\n    return x.argmin(1)\n")
    assert sources("def f(x):\n    return sum(x)\n", "reduction") == []  # no builtin mean


def test_abs_and_clip_are_inserted():
    source = "import numpy as np\n\ndef f(x):\n    y = x - 1\n    return y * 2\n"
    one(source, "abs", "import numpy as np\n\ndef f(x):\n    y = abs(x - 1)\n    return y * 2\n")
    one(source, "abs", "import numpy as np\n\ndef f(x):\n    y = x - 1\n    return abs(y * 2)\n")
    one(source, "clip", "import numpy as np\n\ndef f(x):\n    y = x - 1\n"
        "    return np.clip(y * 2, -1.0, 1.0)\n")
    # without numpy there is no np.clip to call
    assert sources("def f(x):\n    return x * 2\n", "clip") == []


def test_inputs_are_written_in_place():
    source = "import numpy as np\n\ndef f(p, g):\n    p = p - 0.1 * g\n    return p\n"
    augmented = one(source, "inplace",
                    "import numpy as np\n\ndef f(p, g):\n    p -= 0.1 * g\n    return p\n")
    assert "writes into the caller's p" in augmented.description
    copied = "def f(x):\n    y = x.copy()\n    y[0] = 1\n    return y\n"
    one(copied, "inplace", "def f(x):\n    y = x\n    y[0] = 1\n    return y\n")
    zeroed = [m for m in make_mutants(source, ("inplace",)) if "writes 0" in m.description]
    assert len(zeroed) == 1
    # the inputs as they came in are zeroed after the result is computed, then it is returned
    namespace: dict = {}
    exec(compile(zeroed[0].source, "<mutant>", "exec"), namespace)  # noqa: S102 - our own
    import numpy as np

    p, g = np.ones(3), np.ones(3)
    assert np.allclose(namespace["f"](p, g), 0.9)
    assert not p.any() and not g.any()


def test_float32_casts_the_inputs():
    source = "import numpy as np\n\ndef f(x, n):\n    return x * n\n"
    (cast,) = make_mutants(source, ("float32",))
    assert "astype(np.float32)" in cast.description
    namespace: dict = {}
    exec(compile(cast.source, "<mutant>", "exec"), namespace)  # noqa: S102 - our own
    import numpy as np

    assert namespace["f"](np.ones(2), 3).dtype == np.float32
    assert namespace["f"](np.ones(2, dtype=np.int64), 3).dtype == np.int64


def test_a_mutant_that_does_not_parse_is_never_produced(monkeypatch):
    """An edit whose result does not compile is dropped, however it came about."""
    real = mutants_module._edits

    def with_a_bad_edit(node, ctx):
        yield from real(node, ctx)
        if isinstance(node, ast.Return):
            yield "abs", lambda n: ast.Return(ast.Name("not valid python")), None

    monkeypatch.setattr(mutants_module, "_edits", with_a_bad_edit)
    made = make_mutants("def f(x):\n    return x + 1\n")
    assert made and all("not valid" not in m.source for m in made)


@pytest.mark.parametrize("solution", sorted((REPO / "solutions").glob("*.py")),
                         ids=lambda p: p.stem)
def test_every_mutant_of_every_solution_parses_and_differs(solution):
    source = solution.read_text(encoding="utf-8")
    made = make_mutants(source)
    assert made, solution.stem
    bodies = [m.source for m in made]
    assert len(set(bodies)) == len(bodies)  # no mutant twice
    assert same(source) not in bodies  # and none is the solution
    lines = len(source.splitlines())
    for mutant in made:
        compile(mutant.source, f"<{solution.stem} mutant>", "exec")
        assert mutant.kind in KINDS and 1 <= mutant.line <= lines and mutant.description


def test_a_solution_that_does_not_parse_raises():
    with pytest.raises(SyntaxError):
        make_mutants("def f(:\n")
