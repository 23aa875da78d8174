"""The first check a learner waits for, from launch, in the app and on the command line.

    tui first check  spawn `dltutor` (headless) → the map → open relu_backward → check it at once
                     → its report on screen. Everything counts: interpreter, imports, the grading
                     worker's PyTorch import and warm-up, the jail, the check.
    cli check        `python -m tutor check relu_backward --file <the solution>`, to its exit
    import torch     baseline: `python -c "import torch"`, to its exit

All three are interleaved run after run, so machine load affects them alike; the CLI's ratio to
`import torch` is reported per run (paired) and as a ratio of medians.
Targets (issue: speed a learner feels): tui first check <= 3 s; cli check <= 1.3x import torch.

    python benchmarks/first_check.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "relu_backward.py"

TUI = r"""
import sys
from tutor.app.app import DLTutorApp
from tutor.app.messages import ExerciseSelected
from tutor.app.screens.exercise import ExerciseScreen
from tutor.app.widgets.result_panel import ResultPanel

def on_ready(self):
    self.post_message(ExerciseSelected("relu_backward"))
    self.set_interval(0.01, poll)

def poll():
    app = DLTutorApp._instance
    screen = app.screen
    if not isinstance(screen, ExerciseScreen) or not screen.query(ResultPanel):
        return  # not open, or not composed yet
    if not getattr(app, "_asked", False):
        app._asked = True
        # the learner presses ctrl+r as soon as the exercise is on screen
        screen.call_after_refresh(screen.action_check)
        return
    panel = screen.query_one(ResultPanel)
    if panel.state == "done":
        print(f"READY {panel.result.verdict.value}", flush=True)
        app.exit()

init = DLTutorApp.__init__
def remember(self, *a, **kw):
    init(self, *a, **kw)
    DLTutorApp._instance = self
DLTutorApp.__init__ = remember
run = DLTutorApp.run
DLTutorApp.on_ready = on_ready
DLTutorApp.run = lambda self, **kw: run(self, headless=True, **kw)
from tutor.cli import main
sys.exit(main([]))
"""


def tui_sample(env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", TUI], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            if line.split()[1] != "pass":
                raise RuntimeError(f"the solution did not pass: {line}")
            proc.wait(30)
            return elapsed
    proc.wait(30)
    raise RuntimeError(f"no READY line; stderr:\n{proc.stderr.read() if proc.stderr else ''}")


def command_sample(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="dltutor-bench-")
    Path(home, "relu_backward.py").write_text(SOLUTION.read_text())  # the learner's passing file
    env = dict(os.environ, DLTUTOR_HOME=home, PYTHONPATH=str(REPO))
    cli = [sys.executable, "-m", "tutor", "check", "relu_backward", "--file", str(SOLUTION)]
    torch = [sys.executable, "-c", "import torch"]
    command_sample(cli, env)  # warm the OS file cache, create the workspace: untimed
    tui_sample(env)
    times: dict[str, list[float]] = {"tui first check": [], "cli check": [], "import torch": []}
    for _ in range(args.runs):
        times["tui first check"].append(tui_sample(env))
        times["cli check"].append(command_sample(cli, env))
        times["import torch"].append(command_sample(torch, env))
    print(f"the first check, from launch · {args.runs} runs each, interleaved · "
          f"Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'':16} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(f"{name:16} {statistics.median(values):7.3f}s {min(values):7.3f}s "
              f"{max(values):7.3f}s")
    paired = [c / t for c, t in zip(times["cli check"], times["import torch"])]
    ratio = statistics.median(times["cli check"]) / statistics.median(times["import torch"])
    print(f"cli check / import torch: {ratio:.2f}x (ratio of medians); paired per run: "
          f"median {statistics.median(paired):.2f}x, min {min(paired):.2f}x, "
          f"max {max(paired):.2f}x")
    tui = statistics.median(times["tui first check"])
    print(f"targets: tui first check <= 3 s -> {'met' if tui <= 3 else 'NOT met'} "
          f"({tui:.2f} s); cli check <= 1.3x import torch -> "
          f"{'met' if ratio <= 1.3 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
