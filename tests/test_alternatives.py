"""Correct code must never fail: every unusual-but-correct implementation under
tests/data/alternatives/<exercise_id>/ passes its exercise, on the public cases and on hidden
cases with a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent / "data" / "alternatives"
FILES = sorted(ROOT.glob("*/*.py"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_a_correct_alternative_passes(grader, course, path, tmp_path):
    exercise = course.exercise(path.parent.name)
    target = tmp_path / exercise.filename
    target.write_text(path.read_text())
    public = grader.check(exercise, target)
    assert public.passed, public.message
    hidden = grader.check(exercise, target, seed=0x5EED_CAFE_F00D_D00D_5EED_CAFE, hidden=True)
    assert hidden.passed, hidden.message
