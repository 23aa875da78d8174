"""`dltutor lesson N`: the lesson as plain text, `--run K` (its K-th python block, run in the
jail), `--checkpoints` and `--predict`, and usage errors (exit 2, never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def dltutor(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DLTUTOR_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "tutor", *args], check=False, capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=240)


def test_the_lesson_prints_as_plain_text_with_its_blocks_and_checkpoints_marked(isolated_home,
                                                                               course):
    lesson = course.lesson("convolution")
    done = dltutor("lesson", str(lesson.number), home=isolated_home)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(f"Lesson {lesson.number} · {lesson.title}")
    assert "## Padding and stride" in out
    assert f"[block 1: dltutor lesson {lesson.number} --run 1]" in out
    first = lesson.checkpoints[0]
    assert f"▶ Checkpoint ({first.id}): {first.question}" in out
    assert "```checkpoint" not in out and "answer =" not in out  # its code stays hidden
    by_id = dltutor("lesson", "convolution", home=isolated_home)
    assert by_id.returncode == 0 and by_id.stdout == out


def test_run_k_runs_the_block_in_the_jail_and_prints_its_output(isolated_home, course):
    lesson = course.lesson("convolution")
    done = dltutor("lesson", str(lesson.number), "--run", "1", home=isolated_home)
    assert done.returncode == 0, done.stderr
    blocks = len(lesson.code_blocks())
    assert f"lesson {lesson.number}, block 1 of {blocks}" in done.stdout
    assert "[5. 4. 2. 4.]" in done.stdout  # what the block's own print shows


def test_predict_shows_both_values_and_records_the_answer(isolated_home, course):
    lesson = course.lesson("convolution")
    done = dltutor("lesson", str(lesson.number), "--predict", "conv_shape", "4x8x16x16",
                   home=isolated_home)
    assert done.returncode == 0, done.stderr
    assert "you said (4, 8, 16, 16) · PyTorch says (4, 8, 16, 16)" in done.stdout
    assert "Right." in done.stdout
    listed = dltutor("lesson", str(lesson.number), "--checkpoints", home=isolated_home)
    assert listed.returncode == 0
    assert f"{len(lesson.checkpoints)} checkpoints, 1 answered, 1 right" in listed.stdout
    assert "you said (4, 8, 16, 16) · PyTorch says (4, 8, 16, 16) (right)" in listed.stdout


def test_bad_lesson_block_or_prediction_is_a_usage_error(isolated_home, course):
    lesson = course.lesson("convolution")
    n = str(lesson.number)
    blocks = len(lesson.code_blocks())
    for args, words in [
        (("lesson", "99"), "no lesson '99'"),
        (("lesson", "nonsense"), "no lesson 'nonsense'"),
        (("lesson", n, "--run", str(blocks + 1)), f"choose K from 1 to {blocks}"),
        (("lesson", n, "--run", "0"), f"choose K from 1 to {blocks}"),
        (("lesson", n, "--predict", "no_such", "1"), "has no checkpoint 'no_such'"),
        (("lesson", n, "--predict", "conv_shape", "big"), "is not a shape"),
    ]:
        done = dltutor(*args, home=isolated_home)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, done.stderr
    wrong = dltutor("lesson", n, "--run", "x", home=isolated_home)
    assert wrong.returncode == 2 and "invalid int value" in wrong.stderr
