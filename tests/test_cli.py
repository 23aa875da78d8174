"""The learner's command line, run as a user would: `python -m tutor ...` in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO

GOOD = (REPO / "solutions" / "relu_backward.py").read_text()
WRONG = "import numpy as np\n\ndef relu_backward(dout, x):\n    return dout * (x >= 0)\n"


def dltutor(*args: str, home: Path, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, DLTUTOR_HOME=str(home), COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, check=False,
                          text=True, env=env, timeout=timeout, cwd=kw.get("cwd", REPO))


def test_list_json_shows_lessons_exercises_and_status(isolated_home):
    out = dltutor("list", "--json", home=isolated_home)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["workspace"] == str(isolated_home.resolve())
    assert len(doc["lessons"]) >= 18
    ids = [e["id"] for lesson in doc["lessons"] for e in lesson["exercises"]]
    assert {"relu_backward", "conv_output_size", "adam_step", "lstm_cell"} <= set(ids)
    assert all(e["status"] == "not started" for lesson in doc["lessons"]
               for e in lesson["exercises"])


def test_check_exit_codes_json_and_progress(isolated_home, tmp_path):
    wrong = tmp_path / "wrong.py"
    wrong.write_text(WRONG)
    out = dltutor("check", "relu_backward", "--file", str(wrong), "--json", home=isolated_home)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    for key in ("exercise", "verdict", "score", "cases_passed", "cases_total", "duration_ms",
                "message", "diagnosis"):
        assert key in doc
    assert doc["verdict"] == "fail" and 0 <= doc["score"] < 1
    assert "x >= 0" in doc["diagnosis"] or ">=" in doc["diagnosis"]

    # the workspace copy: created from the starter on first use, then edited by the learner
    out = dltutor("check", "relu_backward", home=isolated_home)
    assert out.returncode == 1 and "NotImplementedError" in out.stdout
    (isolated_home / "relu_backward.py").write_text(GOOD)
    out = dltutor("check", "relu_backward", home=isolated_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASSED" in out.stdout

    listing = json.loads(dltutor("list", "--json", home=isolated_home).stdout)
    status = {e["id"]: e["status"] for lesson in listing["lessons"] for e in lesson["exercises"]}
    assert status["relu_backward"] == "passed"


def test_usage_errors_exit_2(isolated_home, tmp_path):
    out = dltutor("check", "no_such_exercise", home=isolated_home)
    assert out.returncode == 2 and "unknown exercise" in out.stderr
    out = dltutor("check", "relu_backward", "--file", str(tmp_path / "missing.py"),
                  home=isolated_home)
    assert out.returncode == 2 and "no such file" in out.stderr


def test_hints_unlock_one_at_a_time(isolated_home):
    first = dltutor("hint", "relu_backward", home=isolated_home)
    second = dltutor("hint", "relu_backward", home=isolated_home)
    assert "Hint 1 of" in first.stdout and "Hint 2 of" in second.stdout


def test_solution_only_after_a_real_attempt_and_reset_keeps_a_backup(isolated_home, tmp_path):
    locked = dltutor("solution", "adam_step", home=isolated_home)
    assert locked.returncode == 1 and "unlocks after a real attempt" in locked.stdout
    dltutor("check", "adam_step", home=isolated_home)  # the untouched starter: not an attempt
    assert dltutor("solution", "adam_step", home=isolated_home).returncode == 1
    mine = isolated_home / "adam_step.py"
    mine.write_text("def adam_step(param, grad, m, v, t, **kw):\n    return param, m, v\n")
    dltutor("check", "adam_step", home=isolated_home)
    shown = dltutor("solution", "adam_step", home=isolated_home)
    assert shown.returncode == 0 and "def adam_step" in shown.stdout
    out = dltutor("reset", "adam_step", home=isolated_home)
    assert out.returncode == 0 and "adam_step.py.bak" in out.stdout
    assert "NotImplementedError" in mine.read_text()
    assert "return param, m, v" in (isolated_home / "adam_step.py.bak").read_text()


def test_python_dash_m_and_console_script_agree(isolated_home):
    out = dltutor("--version", home=isolated_home)
    assert out.returncode == 0 and out.stdout.startswith("dltutor ")
    exe = shutil.which("dltutor")
    if exe:
        out2 = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
        assert out2.stdout == out.stdout


def test_watch_rechecks_on_save_and_moves_on(isolated_home):
    import queue
    import threading

    env = dict(os.environ, DLTUTOR_HOME=str(isolated_home), COLUMNS="100")
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "watch", "relu_backward"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=REPO, stdin=subprocess.DEVNULL)
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(text: str, limit: float = 90) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} never appeared:\n{''.join(seen)}")

    try:
        wait_for("NotImplementedError")  # first check of the fresh starter
        (isolated_home / "relu_backward.py").write_text(WRONG)
        wait_for("Likely mistake")
        (isolated_home / "relu_backward.py").write_text(GOOD)
        wait_for("passed. Next up:")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0
