"""A non-editable install ships the course: lessons, exercises and solutions travel in the wheel
and `dltutor list` works from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                    "-w", str(out)], check=True, capture_output=True, timeout=600)
    (path,) = out.glob("dltutor-*.whl")
    return path


def test_wheel_contains_the_content(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tutor/_content/lessons/02-perceptron.md",
                   "tutor/_content/exercises/relu_backward/check.py",
                   "tutor/_content/exercises/adam_step/mistakes/eps_inside_sqrt.py",
                   "tutor/_content/solutions/lstm_cell.py",
                   "tutor/grading/worker.py"):
        assert needed in names


def test_installed_copy_lists_the_course_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site), DLTUTOR_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-m", "tutor", "list", "--json"], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["lessons"]) >= 18 and not doc["problems"]
    # and the installed copy grades with its own shipped check.py
    solution = site / "tutor" / "_content" / "solutions" / "relu_backward.py"
    out = subprocess.run([sys.executable, "-m", "tutor", "check", "relu_backward", "--file",
                          str(solution), "--json"], cwd=elsewhere, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["verdict"] == "pass"
