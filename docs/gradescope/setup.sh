#!/usr/bin/env bash
# Written by `dltutor export gradescope` (dltutor 0.1.1).
#
# Gradescope runs this once, as root, when it builds the autograder image, with the zip unpacked
# in /autograder/source. It installs Python, a pinned CPU-only PyTorch and dltutor from the copy
# in this zip (dltutor is not on PyPI; the copy holds no course content and no solutions) into a
# virtual environment at /autograder/venv, which run_autograder uses.
set -euo pipefail

AUTOGRADER="${AUTOGRADER:-/autograder}"
SOURCE="$AUTOGRADER/source"
VENV="$AUTOGRADER/venv"
TORCH_VERSION="2.13.0"
TORCH_INDEX="https://download.pytorch.org/whl/cpu"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv "$VENV"

# CPU-only PyTorch, pinned: the default index's torch pulls gigabytes of CUDA libraries.
"$VENV/bin/python" -m pip install --no-cache-dir "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"

# dltutor from this zip; the constraint keeps pip from ever replacing the CPU torch.
printf 'torch==%s\n' "$TORCH_VERSION" > "$VENV/constraints.txt"
"$VENV/bin/python" -m pip install --no-cache-dir --constraint "$VENV/constraints.txt" "$SOURCE/dltutor"

# The secret seed (when the set grades on hidden cases): readable by root only.
if [ -f "$SOURCE/assignment/seed" ]; then
  chmod 600 "$SOURCE/assignment/seed"
fi

# Fail the image build now, not at the first submission, if the set does not load.
"$VENV/bin/python" - "$SOURCE/assignment/set.toml" <<'PY'
import sys
from tutor.course import load_course
from tutor.grading.sets import load_set, resolve
assignment = load_set(sys.argv[1])
items = resolve(assignment, load_course(assignment.packs, builtin=False, strict=True))
print("dltutor autograder ready:", ", ".join(item.id for item in items))
PY
