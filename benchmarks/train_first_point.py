"""Training runs: from the command to the first chart point, for every experiment.

Each sample spawns `python -m tutor train NAME --json` and times, from just before the spawn, the
first `step` event (the first point any view can draw). Baseline in the same run:
`python -c "import torch"` to its exit. Interleaved run after run, so load affects all alike.

What is on the path: interpreter start-up, the torch import, the data (digits_lenet draws its
10 000 images in a thread while torch imports, and keeps them in the cache for later runs: the
"first run" row gives each sample an empty cache), the model, the first optimizer step (without
importing torch._dynamo: see tutor/lazy_torch.py).
Target (issue: speed a learner feels): first chart point <= 3 s on a quiet 2-core machine.

    python benchmarks/train_first_point.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tutor.training.registry import EXPERIMENTS


def first_point(name: str, home: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "train", name, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=REPO, env=dict(os.environ, DLTUTOR_HOME=home))
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if json.loads(line).get("type") == "step":
                return time.perf_counter() - start
        raise RuntimeError(f"{name}: no step event")
    finally:
        proc.kill()
        proc.wait()


def import_torch() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True, cwd=REPO)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import tempfile

    names = list(EXPERIMENTS)
    cold = "digits_lenet (first run)"
    times: dict[str, list[float]] = {name: [] for name in [*names, cold, "import torch"]}
    home = tempfile.mkdtemp(prefix="dltutor-bench-")
    import_torch()  # the OS file cache, untimed
    for _ in range(args.runs):
        for name in names:
            times[name].append(first_point(name, home))
        times[cold].append(first_point("digits_lenet", tempfile.mkdtemp(prefix="dltutor-bench-")))
        times["import torch"].append(import_torch())
    print(f"first chart point after `dltutor train NAME` · {args.runs} runs each, interleaved · "
          f"{os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.2f}")
    print(f"{'':18} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(f"{name:18} {statistics.median(values):7.2f}s {min(values):7.2f}s "
              f"{max(values):7.2f}s")
    worst = max(statistics.median(times[n]) for n in [*names, cold])
    print(f"target: every experiment's median <= 3 s -> {'met' if worst <= 3 else 'NOT met'} "
          f"(slowest {worst:.2f} s)")


if __name__ == "__main__":
    main()
