"""`dltutor train` as a user or a CI script runs it: a subprocess, --json parsed line by line,
--use-mine through the real grader (correct: trains and matches PyTorch; wrong: refused with the
verdict, nothing trained), and stopping (SIGINT to the CLI, stop() on the client, the viewer
dying) always ends the run process."""

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

from tutor.training.client import RunRequest, TrainingRun, run_events
from tutor.training.events import End, Start, Step, parse_event

REPO = Path(__file__).resolve().parent.parent
SMALL_SPIRAL = ["--epochs", "3", "--set", "points_per_class=60"]
LONG = ["digits_lenet", "--epochs", "50", "--set", "train_size=2000"]  # stopped long before


def dltutor(*args: str, home: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, DLTUTOR_HOME=str(home), COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=REPO, check=False)


def json_events(stdout: str) -> list:
    return [parse_event(line) for line in stdout.splitlines() if line.strip()]


def gone(pid: int, within: float = 30.0) -> bool:
    """True once no process `pid` exists (or only a zombie nobody reaps yet)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.05)
    return False


def workspace(tmp_path: Path, **files: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    for exercise, source in files.items():
        shutil.copyfile(source, ws / f"{exercise}.py")
    return ws


def solution(exercise: str) -> Path:
    path = REPO / "solutions" / f"{exercise}.py"
    if not path.exists():
        pytest.skip(f"{exercise} has no solution yet")
    return path


# -- listing and plain runs ---------------------------------------------------------------------


def test_list_names_every_experiment(isolated_home):
    out = dltutor("train", "--list", home=isolated_home)
    assert out.returncode == 0, out.stderr
    for name in ("spiral_mlp", "digits_lenet", "sequence_lstm", "deep_vs_residual",
                 "optimizer_race"):
        assert name in out.stdout
    rows = json.loads(dltutor("train", "--list", "--json", home=isolated_home).stdout)
    assert rows[0]["name"] == "spiral_mlp" and "adam_step" in rows[0]["use_mine"]


def test_json_output_is_one_parseable_event_per_line(isolated_home):
    out = dltutor("train", "spiral_mlp", "--json", "--device", "cpu", "--seed", "3",
                  *SMALL_SPIRAL, home=isolated_home)
    assert out.returncode == 0, out.stderr
    for line in out.stdout.splitlines():
        json.loads(line)  # strict JSON, one object per line
    events = json_events(out.stdout)
    start, end = events[0], events[-1]
    assert isinstance(start, Start) and isinstance(end, End) and end.status == "finished"
    assert start.seed == 3 and start.device == "cpu" and "no CUDA" not in start.device_reason
    steps = [e.step for e in events if isinstance(e, Step)]
    assert steps == sorted(steps) and steps[-1] == start.total_steps == end.steps
    assert gone(start.pid)


def test_live_display_without_a_terminal_prints_the_final_frame(isolated_home):
    out = dltutor("train", "spiral_mlp", *SMALL_SPIRAL, home=isolated_home)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "spiral_mlp" in text and "samples/s" in text and "training loss" in text
    assert "Finished" in text and "held-out acc" in text
    assert text.count("Finished") == 1  # no stack of redrawn frames in a log


def in_a_terminal(args: list[str], home: Path, rows: int, cols: int) -> tuple[int, str]:
    """Run `dltutor ARGS` on a pseudo-terminal of rows x cols; (exit status, all it wrote)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, DLTUTOR_HOME=str(home), COLUMNS=str(cols), LINES=str(rows),
               TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=REPO)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("name,rows,cols", [("digits_lenet", 24, 80),
                                            ("optimizer_race", 30, 100)])
def test_live_display_fits_the_terminal_and_leaves_one_final_frame(isolated_home, name, rows,
                                                                    cols):
    tiny = {"digits_lenet": ["--epochs", "2", "--set", "train_size=640", "--set", "val_size=200"],
            "optimizer_race": ["--epochs", "40", "--set", "points_per_class=64"]}
    status, out = in_a_terminal(["train", name, *tiny[name]], isolated_home, rows, cols)
    assert status == 0, out[-3000:]
    # Live redraws a frame by moving the cursor up over the last one: a frame taller than the
    # terminal cannot be reached and would leave copies in the scrollback
    import re

    climbs = [len(m.group(0)) // len("\x1b[1A\x1b[2K")
              for m in re.finditer(r"(?:\x1b\[1A\x1b\[2K)+", out)]
    assert climbs and max(climbs) + 1 <= rows, max(climbs)
    assert "ETA" in out  # the epoch/ETA line was on screen while it ran
    assert out.count("Finished ") == 1 and out.count("train acc") == 1


@pytest.mark.parametrize("args,message", [
    (["nope"], "unknown experiment"),
    (["spiral_mlp", "--set", "width=3"], "points_per_class"),
    (["spiral_mlp", "--use-mine", "lstm_cell"], "does not fit spiral_mlp"),
    (["spiral_mlp", "--use-mine", "adam_step,rmsprop_step"], "one optimizer at a time"),
    ([], "name an experiment"),
])
def test_usage_errors_exit_2(isolated_home, args, message):
    out = dltutor("train", *args, home=isolated_home)
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_unavailable_device_is_a_clear_usage_error(isolated_home):
    out = dltutor("train", "spiral_mlp", "--device", "mps", "--json", home=isolated_home)
    if json_events(out.stdout)[-1].status != "error":
        pytest.skip("this machine has Apple MPS")
    assert out.returncode == 2
    assert "MPS" in json_events(out.stdout)[-1].message


# -- --use-mine ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name,exercises", [
    ("spiral_mlp", ["relu_backward", "adam_step"]),
    ("sequence_lstm", ["lstm_cell"]),
])
def test_use_mine_correct_solution_trains_beside_pytorch_and_matches(isolated_home, tmp_path,
                                                                     name, exercises):
    ws = workspace(tmp_path, **{ex: solution(ex) for ex in exercises})
    small = SMALL_SPIRAL if name == "spiral_mlp" else [
        "--steps", "12", "--set", "train_size=256", "--set", "length=10"]
    out = dltutor("train", name, "--use-mine", ",".join(exercises), "--workspace", str(ws),
                  "--json", *small, home=isolated_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "passes its check" in out.stderr
    events = json_events(out.stdout)
    start, end = events[0], events[-1]
    assert set(start.mine) == set(exercises) and len(start.series) == 2
    (comparison,) = end.comparisons
    assert comparison["diverged_at"] is None and comparison["max_abs_diff"] < 1e-9


def test_use_mine_wrong_solution_is_refused_with_the_verdict(isolated_home, tmp_path):
    wrong = REPO / "exercises" / "relu_backward" / "mistakes" / "ge_instead_of_gt.py"
    ws = workspace(tmp_path, relu_backward=wrong)
    out = dltutor("train", "spiral_mlp", "--use-mine", "relu_backward", "--workspace", str(ws),
                  *SMALL_SPIRAL, home=isolated_home)
    assert out.returncode == 1
    assert "FAILED" in out.stdout and "relu_backward" in out.stdout
    assert "Not training with your relu_backward" in out.stdout
    assert "x > 0" in out.stdout  # the known mistake's diagnosis
    assert "samples/s" not in out.stdout  # nothing was trained

    out = dltutor("train", "spiral_mlp", "--use-mine", "relu_backward", "--workspace", str(ws),
                  "--json", *SMALL_SPIRAL, home=isolated_home)
    assert out.returncode == 1
    (end,) = json_events(out.stdout)  # no start: refused before training
    assert end.status == "refused" and end.check["verdict"] == "fail"
    assert end.check["exercise"] == "relu_backward"


def test_use_mine_without_a_workspace_file_says_how_to_start(isolated_home, tmp_path):
    out = dltutor("train", "spiral_mlp", "--use-mine", "adam_step", "--workspace",
                  str(workspace(tmp_path)), home=isolated_home)
    assert out.returncode == 2 and "dltutor check adam_step" in out.stderr


# -- stopping -----------------------------------------------------------------------------------


def test_ctrl_c_stops_the_run_cleanly_with_a_summary(isolated_home):
    env = dict(os.environ, DLTUTOR_HOME=str(isolated_home))
    cli = subprocess.Popen([sys.executable, "-m", "tutor", "train", *LONG, "--json"],
                           stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    events = []
    assert cli.stdout is not None
    for line in cli.stdout:
        events.append(parse_event(line))
        if isinstance(events[-1], Step):
            cli.send_signal(signal.SIGINT)  # what Ctrl+C sends the foreground process
            break
    events += [parse_event(line) for line in cli.stdout]
    assert cli.wait(timeout=60) == 130
    start, end = events[0], events[-1]
    assert isinstance(end, End) and end.status == "stopped"
    assert 0 < end.steps < start.total_steps
    assert gone(start.pid)


def test_client_stop_ends_the_process_and_close_leaves_no_strays():
    request = RunRequest(experiment=LONG[0], epochs=50, settings=("train_size=2000",))
    with TrainingRun(request) as run:
        events = []
        for event in run.events():
            events.append(event)
            if isinstance(event, Step):
                run.stop()
        pid = run.pid
    assert isinstance(events[-1], End) and events[-1].status == "stopped"
    assert pid is not None and gone(pid)

    # closing without asking first (a viewer shutting down) also ends it
    run = TrainingRun(request).start()
    time.sleep(0.5)
    pid = run.pid
    run.close()
    assert pid is not None and gone(pid) and not run.running


def test_run_stops_by_itself_when_its_viewer_dies(isolated_home):
    env = dict(os.environ, DLTUTOR_HOME=str(isolated_home))
    cli = subprocess.Popen([sys.executable, "-m", "tutor", "train", *LONG, "--json"],
                           stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert cli.stdout is not None
    start = parse_event(cli.stdout.readline())
    assert isinstance(start, Start)
    cli.kill()  # SIGKILL: no chance to stop the run
    cli.wait()
    assert gone(start.pid)


def test_run_events_invents_an_end_when_the_process_dies():
    events = run_events(RunRequest(experiment="spiral_mlp", steps=3,
                                   settings=("points_per_class=30",)))
    assert isinstance(events[-1], End) and events[-1].status == "finished"
    run = TrainingRun(RunRequest(experiment="spiral_mlp"), python="/bin/false")
    (end,) = list(run.events())
    assert end.status == "error" and end.exit_code == 1 and "exited with status 1" in end.message
