"""What the chained run costs: warm checks of mlp_backward, solo vs chained vs a failing chain.

Four files, each checked `--runs` times on one warm `Grader` (a pause of `--gap` s between
checks, as a learner's edits have), timed from the client's call to its return:

* self-contained: an mlp_backward that imports nothing (the baseline: one jailed run);
* solo only: it imports relu_backward etc., with none of the learner's files beside it (the
  reference prerequisites travel as code objects; still one run);
* chained, passing: the learner's own prerequisite files beside it (two runs);
* chained, failing: a relu_backward with `>=` beside it (two runs and a replay).

    python benchmarks/chain_check.py [--runs 15] [--gap 0.25]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tutor.course import load_course
from tutor.grading.client import Grader

SELF_CONTAINED = '''import numpy as np


def mlp_backward(x, y, W1, b1, W2, b2):
    n = x.shape[0]
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0.0)
    logits = h @ W2.T + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    d = e / e.sum(axis=1, keepdims=True)
    d[np.arange(n), y] -= 1.0
    d /= n
    dz1 = (d @ W2) * (z1 > 0)
    return dz1.T @ x, dz1.sum(axis=0), d.T @ h, d.sum(axis=0)
'''
RELU_GE = '''import numpy as np


def relu_backward(dout, x):
    return np.where(x >= 0, dout, 0.0)
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--gap", type=float, default=0.25)
    args = parser.parse_args()
    exercise = load_course().exercise("mlp_backward")
    solutions = REPO / "solutions"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        setups = {}
        for name in ("self-contained", "solo only", "chained, passing", "chained, failing"):
            folder = root / name.replace(" ", "_").replace(",", "")
            folder.mkdir()
            if name == "self-contained":
                (folder / "mlp_backward.py").write_text(SELF_CONTAINED)
            else:
                shutil.copy(solutions / "mlp_backward.py", folder)
            if name.startswith("chained"):
                for pre in ("linear_backward", "relu_backward", "softmax_ce_backward"):
                    shutil.copy(solutions / f"{pre}.py", folder)
            if name == "chained, failing":
                (folder / "relu_backward.py").write_text(RELU_GE)
            setups[name] = folder / "mlp_backward.py"
        with Grader() as grader:
            print(f"mlp_backward, warm worker, {args.runs} checks each, {args.gap} s apart")
            print(f"{'file':<18} {'p50 ms':>8} {'min ms':>8} {'max ms':>8}  chain")
            for name, path in setups.items():
                grader.check(exercise, path)  # warm this path (cases cached, code compiled)
                times, status = [], ""
                for _ in range(args.runs):
                    time.sleep(args.gap)
                    start = time.perf_counter()
                    result = grader.check(exercise, path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert result.passed, result.message
                    status = result.chain.status if result.chain else "none"
                print(f"{name:<18} {statistics.median(times):8.1f} {min(times):8.1f} "
                      f"{max(times):8.1f}  {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
