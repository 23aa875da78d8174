"""TUI start-up: from launching `dltutor` to the first rendered course map (headless).

Each sample is a fresh process, timed by this script from just before it is spawned to the moment
the process prints that its first frame is on screen (Textual's `Ready` event: "the DOM is ready
and the first frame has been displayed"), so interpreter start-up and every import count.

    dltutor          the real entry point (`tutor.cli.main([])`: argument parsing, the grading
                     worker spawned (it loads PyTorch on the other core meanwhile), the course
                     loaded from disk, the progress database opened, the app's first frame)
    empty app        baseline: a Textual app with one Static and a Footer, to its first frame
    import textual   baseline: `python -c "import textual"`

The three are interleaved, run after run, so machine load affects them alike.
Target (issue: TUI): dltutor median <= 0.8 s on these 2-core machines.

    python benchmarks/tui_startup.py [--runs 7]
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

DLTUTOR = r"""
import sys
from tutor.app.app import DLTutorApp
from tutor.app.widgets.course_outline import CourseOutline

def on_ready(self):
    rows = self.screen.query_one(CourseOutline).option_count
    print(f"READY {type(self.screen).__name__} {rows}", flush=True)
    self.exit()

run = DLTutorApp.run
DLTutorApp.on_ready = on_ready
DLTutorApp.run = lambda self, **kw: run(self, headless=True, **kw)
from tutor.cli import main
sys.exit(main([]))
"""

EMPTY_APP = r"""
from textual.app import App
from textual.widgets import Footer, Static

class Empty(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

    def on_ready(self):
        print("READY Empty 0", flush=True)
        self.exit()

Empty().run(headless=True)
"""

IMPORT_TEXTUAL = 'import textual; print("READY import 0", flush=True)'


def sample(code: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from spawning `python -c code` to its READY line, and that line."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            proc.wait(30)
            return elapsed, line.strip()
    proc.wait(30)
    raise RuntimeError(f"no READY line; stderr:\n{proc.stderr.read() if proc.stderr else ''}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="dltutor-bench-")
    env = dict(os.environ, DLTUTOR_HOME=home, PYTHONPATH=str(REPO))
    cases = {"dltutor": DLTUTOR, "empty app": EMPTY_APP, "import textual": IMPORT_TEXTUAL}
    times: dict[str, list[float]] = {name: [] for name in cases}
    sample(DLTUTOR, env)  # warm the OS file cache and create the workspace once, untimed
    last = ""
    for _ in range(args.runs):
        for name, code in cases.items():
            elapsed, line = sample(code, env)
            times[name].append(elapsed)
            if name == "dltutor":
                last = line
    print(f"TUI start-up to the first rendered frame (headless) · {args.runs} runs each, "
          f"interleaved · Python {sys.version.split()[0]} · {os.cpu_count()} CPUs")
    print(f"{'':16} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(f"{name:16} {statistics.median(values):7.3f}s {min(values):7.3f}s "
              f"{max(values):7.3f}s")
    _, screen, rows = last.split()
    median = statistics.median(times["dltutor"])
    over = median - statistics.median(times["empty app"])
    print(f"first frame: {screen} with {rows} course rows · dltutor costs {over:+.3f}s over an "
          f"empty Textual app")
    print(f"target: median <= 0.800s -> {'met' if median <= 0.8 else 'NOT met'}")


if __name__ == "__main__":
    main()
