"""`dltutor new ID --pack DIR`: the scaffold validates out of the box, says what is left to
replace, and never overwrites anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.course.scaffold import MARK, ScaffoldError, scaffold_exercise
from tutor.grading.validate import validate_exercise

REPO = Path(__file__).resolve().parent.parent


def dltutor(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_scaffold_validates_out_of_the_box(grader, tmp_path):
    made = scaffold_exercise(tmp_path / "pack", "focal_demo", "Focal demo")
    names = sorted(str(p.relative_to(tmp_path / "pack")) for p in made.files)
    assert names == [
        "exercises/focal_demo/README.md", "exercises/focal_demo/check.py",
        "exercises/focal_demo/exercise.toml", "exercises/focal_demo/mistakes/absolute_error.py",
        "exercises/focal_demo/mistakes/root_of_mean.py",
        "exercises/focal_demo/mistakes/sum_not_mean.py", "exercises/focal_demo/starter.py",
        "solutions/focal_demo.py"]
    course = load_course([tmp_path / "pack"])
    assert course.problems == ()
    exercise = course.exercise("focal_demo")
    assert exercise.title == "Focal demo" and exercise.pack == "pack"
    # no drive.py by default (each case calls the function with its inputs); check.py says when
    # to add one, and that it must not reach back into check.py
    assert exercise.driver_path is None
    check = exercise.check_path.read_text()
    assert "def drive(fn, **inputs)" in check and 'load_sibling(__file__, "drive")' in check
    report = validate_exercise(grader, exercise)
    assert report.ok, report.problems
    assert len(report.notes) == 1 and "8 file(s) still hold the example" in report.notes[0]

    for path in made.files:  # the author has made it theirs: the note goes away
        path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                                if MARK not in line))
    assert validate_exercise(grader, load_course([tmp_path / "pack"]).exercise(
        "focal_demo")).notes == ()


def test_the_scaffold_never_overwrites(tmp_path):
    scaffold_exercise(tmp_path, "demo")
    with pytest.raises(ScaffoldError, match="already exists"):
        scaffold_exercise(tmp_path, "demo")
    (tmp_path / "exercises" / "demo").rename(tmp_path / "moved")
    with pytest.raises(ScaffoldError, match="solutions/demo.py already exists"):
        scaffold_exercise(tmp_path, "demo")


@pytest.mark.parametrize("bad", ["Demo", "2fast", "with-dash", "class", ""])
def test_ids_must_be_snake_case_identifiers(tmp_path, bad):
    with pytest.raises(ScaffoldError, match="not a valid exercise id"):
        scaffold_exercise(tmp_path, bad)


def test_cli_new(tmp_path):
    out = dltutor("new", "my_loss", "--pack", str(tmp_path / "pack"))
    assert out.returncode == 0, out.stderr
    assert "Created exercise my_loss" in out.stdout
    assert f"dltutor validate --pack {tmp_path / 'pack'} my_loss" in out.stdout
    assert (tmp_path / "pack" / "exercises" / "my_loss" / "check.py").is_file()
    again = dltutor("new", "my_loss", "--pack", str(tmp_path / "pack"))
    assert again.returncode == 2 and "already exists" in again.stderr
    builtin = dltutor("new", "relu_backward", "--pack", str(tmp_path / "pack"))
    assert builtin.returncode == 2 and "is a built-in exercise" in builtin.stderr
    assert dltutor("new", "my_loss").returncode == 2  # --pack is required
