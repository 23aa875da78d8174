"""`dltutor validate`: sound exercises pass; each kind of unsound exercise is reported in words
an author can act on, with a non-zero exit. Runs on the built-in content and on packs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.grading.validate import ALT_SEED, validate_exercise

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "tests" / "data" / "pack"


def dltutor(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def broken_pack(tmp_path_factory) -> Path:
    """The test pack with one thing wrong in each exercise (and a third, unsound exercise)."""
    pack = tmp_path_factory.mktemp("broken") / "pack"
    shutil.copytree(PACK, pack)
    ex = pack / "exercises"
    # square: the starter already works, one mistake is a copy of another, a stray mistake file
    (ex / "square" / "starter.py").write_text(
        '"""Raise NotImplementedError until done."""\n\n\ndef square(x):\n    return x * x\n')
    (ex / "square" / "mistakes" / "cubes.py").write_text("def square(x):\n    return 2 * x\n")
    (ex / "square" / "mistakes" / "forgot_me.py").write_text("def square(x):\n    return x\n")
    # scale_add: a "mistake" that is right, one hint only, a reference that is inf somewhere
    (ex / "scale_add" / "mistakes" / "ignores_b.py").write_text(
        "def scale_add(x, a, b):\n    return a * x + b\n")
    toml = (ex / "scale_add" / "exercise.toml").read_text()
    (ex / "scale_add" / "exercise.toml").write_text(
        toml.replace('  "Nudge: multiply first, then add.",\n', ""))
    check = (ex / "scale_add" / "check.py").read_text()
    (ex / "scale_add" / "check.py").write_text(check.replace(
        "    return torch.add(", "    if x.shape == (3, 3):  # a hidden case\n"
        "        return x * float('inf')\n"
        "    return torch.add("))
    # a solution that fails
    (pack / "solutions" / "square.py").write_text("def square(x):\n    return x * x + 1e-3\n")
    return pack


def test_the_test_pack_is_sound(grader):
    course = load_course([PACK])
    for ex_id in ("scale_add", "square"):
        report = validate_exercise(grader, course.exercise(ex_id))
        assert report.ok, report.problems
        assert report.notes == ()
        assert report.facts["cases"] < report.facts["hidden_cases"]


def test_every_kind_of_unsound_exercise_is_reported(grader, broken_pack):
    course = load_course([broken_pack])
    square = validate_exercise(grader, course.exercise("square"))
    scale = validate_exercise(grader, course.exercise("scale_add"))
    assert not square.ok and not scale.ok
    square_text, scale_text = "\n".join(square.problems), "\n".join(scale.problems)
    assert "the starter passes the check" in square_text
    assert "mistake 'cubes' fails (fail) but is named 'doubles'" in square_text
    assert "mistakes/forgot_me.py has no [[mistakes]] entry" in square_text
    assert "the solution does not pass" in square_text
    assert "has 1 hints; at least 2" in scale_text
    assert "mistake 'ignores_b' passes the check" in scale_text
    assert "the reference is NaN/inf on hidden case(s) [4]" in scale_text
    assert f"with seed {ALT_SEED}" in scale_text  # the secret-seed stand-in is proved too


def test_cli_validates_a_pack_and_exits_0():
    out = dltutor("validate", "--pack", str(PACK), "--pack-only", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads(out.stdout)
    assert doc["ok"] and [e["exercise"] for e in doc["exercises"]] == ["scale_add", "square"]
    assert doc["load_problems"] == []  # the built-in content's problems are not the pack's


def test_cli_runs_on_built_in_content():
    out = dltutor("validate", "relu_backward")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "relu_backward" in out.stdout and "1 of 1 exercises sound" in out.stdout


def test_cli_reports_an_unsound_pack_and_exits_1(broken_pack):
    out = dltutor("validate", "--pack", str(broken_pack), "--pack-only")
    assert out.returncode == 1
    flat = " ".join(out.stdout.split())
    assert "the starter passes the check" in flat
    assert "0 of 2 exercises sound" in flat


@pytest.mark.parametrize("args, words", [
    (["--pack", "no/such/pack"], "does not exist"),
    (["--pack-only"], "--pack-only needs at least one --pack DIR"),
    (["no_such_exercise"], "unknown exercise 'no_such_exercise'"),
])
def test_cli_usage_errors_exit_2(args, words):
    out = dltutor("validate", *args)
    assert out.returncode == 2 and words in out.stderr


def test_an_empty_pack_is_a_problem(tmp_path):
    out = dltutor("validate", "--pack", str(tmp_path), "--pack-only")
    assert out.returncode == 1
    assert "holds no exercises" in " ".join(out.stdout.split())
