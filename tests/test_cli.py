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

import pytest

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
    # not a terminal: the message goes to stderr, so `> file.py` never holds it
    assert locked.returncode == 1 and "unlocks once you have attempted it" in locked.stderr
    assert locked.stdout == ""
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


def test_reset_twice_then_history_and_restore(isolated_home):
    mine = isolated_home / "relu_backward.py"
    assert dltutor("check", "relu_backward", home=isolated_home).returncode == 1  # the starter
    mine.write_text(WRONG)
    assert dltutor("check", "relu_backward", home=isolated_home).returncode == 1
    for _ in range(2):  # the second reset used to write the starter over the only .bak
        out = dltutor("reset", "relu_backward", home=isolated_home)
        assert out.returncode == 0, out.stderr
    assert (isolated_home / "relu_backward.py.bak").read_text() == WRONG
    out = dltutor("history", "relu_backward", "--json", home=isolated_home)
    doc = json.loads(out.stdout)
    assert doc["exercise"] == "relu_backward" and doc["current"] is None  # the starter
    assert [(v["number"], v["verdict"], v["reason"]) for v in doc["versions"]] == [
        (1, "fail", "reset")]
    assert set(doc["versions"][0]) == {"number", "digest", "when", "verdict", "score", "reason"}
    out = dltutor("history", "relu_backward", home=isolated_home)
    assert out.returncode == 0 and "fail" in out.stdout and "reset" in out.stdout
    out = dltutor("restore", "relu_backward", home=isolated_home)
    assert out.returncode == 0 and "now holds version 1" in out.stdout, out.stderr
    assert mine.read_text() == WRONG
    out = dltutor("restore", "relu_backward", "5", home=isolated_home)
    assert out.returncode == 2 and "no version 5" in out.stderr and "Traceback" not in out.stderr


def test_check_all_rebuilds_progress_after_a_lost_database(isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "relu_backward.py").write_text(GOOD)
    out = dltutor("check", "--all", home=isolated_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "relu_backward" in out.stdout and "1 of 1 exercise files pass" in out.stdout
    (isolated_home / "sigmoid_backward.py").write_text(WRONG)  # does not load: no such function
    shutil.rmtree(isolated_home / ".dltutor")  # the progress database is lost
    out = dltutor("check", "--all", "--json", home=isolated_home)
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert doc["passed"] == 1 and doc["files"] == 2
    listing = json.loads(dltutor("list", "--json", home=isolated_home).stdout)
    status = {e["id"]: e["status"] for lesson in listing["lessons"] for e in lesson["exercises"]}
    assert status["relu_backward"] == "passed" and status["sigmoid_backward"] == "not started"
    out = dltutor("check", "relu_backward", "--all", home=isolated_home)
    assert out.returncode == 2 and "--all" in out.stderr


def test_a_mistyped_command_and_the_help(isolated_home):
    out = dltutor("chek", "relu_backward", home=isolated_home)
    assert out.returncode == 2 and "Did you mean check?" in out.stderr
    assert "Traceback" not in out.stderr
    out = dltutor("--help", home=isolated_home)
    assert out.returncode == 0 and "--workspace DIR" in out.stdout and "--pack DIR" in out.stdout
    assert "history" in out.stdout and "restore" in out.stdout


def test_solution_to_a_file_is_the_file_verbatim(isolated_home, tmp_path):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "relu_backward.py").write_text(GOOD)
    dltutor("check", "relu_backward", home=isolated_home)
    out = dltutor("solution", "relu_backward", home=isolated_home)
    assert out.returncode == 0 and out.stdout == GOOD  # not wrapped, not padded
    compile(out.stdout, "solution.py", "exec")


def test_an_unusable_workspace_is_a_message_and_exit_2(isolated_home, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args in (["list"], ["check", "relu_backward"], ["check", "--all"],
                 ["reset", "relu_backward"], ["history", "relu_backward"],
                 ["watch", "relu_backward", "--max-checks", "1"]):
        out = dltutor(*args, "--workspace", str(blocker / "ws"), home=isolated_home)
        assert out.returncode == 2, (args, out.stderr)
        assert "Traceback" not in out.stderr and "workspace folder" in out.stderr, args


def test_the_last_hint_points_to_the_solution(isolated_home):
    outs = [dltutor("hint", "relu_backward", home=isolated_home).stdout for _ in range(4)]
    assert "dltutor solution relu_backward" in outs[-1]
    assert "dltutor solution" not in outs[0]



def _read_only_prefix(folder: Path) -> list[str] | None:
    """A command prefix that runs a command with `folder` read-only: chmod for a normal user
    (the caller restores it), a read-only bind mount in a private mount namespace for root (who
    writes through permissions); None where neither works."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"')
    prefix = ["unshare", "-m", "sh", "-c", script, str(folder)]
    try:
        probe = subprocess.run([*prefix, "sh", "-c", f"! touch {folder}/.probe 2>/dev/null"],
                               capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if probe.returncode == 0 else None


def test_a_read_only_workspace_keeps_everything_and_says_so(isolated_home):
    mine = isolated_home / "relu_backward.py"
    assert dltutor("check", "relu_backward", home=isolated_home).returncode == 1
    mine.write_text(WRONG)
    assert dltutor("check", "relu_backward", home=isolated_home).returncode == 1
    prefix = _read_only_prefix(isolated_home)
    if prefix is None:
        pytest.skip("cannot make a read-only folder here")
    env = dict(os.environ, DLTUTOR_HOME=str(isolated_home), COLUMNS="100")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, sys.executable, "-m", "tutor", *args],
                              capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
                              check=False)

    try:
        out = run("check", "relu_backward")  # graded; the record is read, the note says why
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert "cannot be written" in out.stderr
        out = run("reset", "relu_backward")  # refuses before changing anything
        assert out.returncode == 2 and "Nothing was changed" in out.stderr
        assert "Traceback" not in out.stderr
        out = run("check", "sigmoid_backward")  # its file would have to be created
        assert out.returncode == 2 and "Traceback" not in out.stderr
        out = run("hint", "relu_backward")  # cannot unlock one at a time: all, with a note
        assert out.returncode == 0 and "Hint 2 of" in out.stdout
        assert "cannot be saved" in out.stdout
        out = run("list", "--json")
        assert out.returncode == 0, out.stderr
    finally:
        isolated_home.chmod(0o755)
    assert mine.read_text() == WRONG
    assert not list(isolated_home.glob(".dltutor/progress.db.corrupt-*"))
