"""The trusted checker's own rules, beyond comparison: broken exercises are named as such."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO
from tutor.course import load_course
from tutor.grading.client import GraderError


def test_a_reference_that_fails_its_own_assert_is_an_exercise_bug(grader, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(REPO / "tests" / "data" / "pack", pack)
    check = pack / "exercises" / "square" / "check.py"
    check.write_text(check.read_text().replace(
        "def reference(", "def reference(*args, **kwargs):\n    assert False, 'oops'\n\n\n"
        "def _original_reference(", 1))
    exercise = load_course([pack], builtin=False).exercise("square")
    with pytest.raises(GraderError, match="bug in the exercise"):
        grader.check(exercise, pack / "solutions" / "square.py")
