"""`dltutor new ID --pack DIR`: write a new exercise that validates out of the box.

The scaffold is a small, complete exercise (mean squared error, with a PyTorch reference and three
known mistakes), named after the new id, so `dltutor validate --pack DIR ID` passes before the
author has changed a line. Authors then replace the example piece by piece and re-validate after
each step; every file carries a `dltutor-scaffold` line, which `validate` mentions (as a note, not
a failure) until it is deleted. No drive.py is written (the example needs none: each case calls
the function with its inputs); the generated check.py says when to add one.

Pure file writing: no torch, no grading."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from pathlib import Path

from tutor.course.loader import ID_PATTERN

MARK = "dltutor-scaffold"

EXERCISE_TOML = '''\
# {mark}: a working example (mean squared error). Replace it with your exercise, run
# `dltutor validate --pack {pack} {id}` after each change, then delete this line.
title = "{title}"
function = "{id}"                 # the name learners define in {id}.py
summary = "Mean squared error between a prediction and a target"   # one line, shown in lists
points = 10                       # default points when a set does not say
timeout = 5.0                     # seconds for all cases together
scoring = "fraction"              # "fraction" of cases passed, or "all" (all-or-nothing)
forbidden = ["torch.nn.functional.mse_loss"]   # shortcuts learners may not call
hints = [
  "Nudge: the error at each position is pred - target. What do you do to it before averaging?",
  "Near-answer: square the differences, then take the mean over every element (not the sum).",
]

[compare]                         # tolerances for every float comparison
rtol = 1e-10
atol = 1e-12

# One [[mistakes]] entry per file in mistakes/: a wrong implementation, written as a learner
# would. The grader names the mistake when a learner's output matches it.
[[mistakes]]
id = "sum_not_mean"
diagnosis = "You summed the squared errors; MSE divides by the number of elements (take the mean)."

[[mistakes]]
id = "absolute_error"
diagnosis = "You averaged |pred - target| (that is the L1 loss); MSE squares the differences."

[[mistakes]]
id = "root_of_mean"
diagnosis = "You took the square root at the end (that is RMSE); MSE stops at the mean."
'''

README = '''\
<!-- {mark}: the task statement learners read. Replace the example, then delete this line. -->
# {title}

Write `{id}(pred, target)` that returns the **mean squared error** between two float64 arrays of
the same shape, as a Python float:

    MSE = mean((pred - target)²)   over every element

Example: `{id}(np.array([1.0, 2.0]), np.array([1.0, 4.0]))` returns `2.0`.

Do not call `torch.nn.functional.mse_loss`: write it with numpy.
'''

STARTER = '''\
"""{title}.

Run `dltutor check {id}` to test your code.
"""
# {mark}: what learners start from. Keep the signature and the NotImplementedError.

import numpy as np


def {id}(pred: np.ndarray, target: np.ndarray) -> float:
    """Return mean((pred - target) ** 2) over every element, as a float.

    pred, target: float64 arrays of the same shape.
    """
    # TODO: the squared differences, then their mean.
    raise NotImplementedError("{id} is not implemented yet")
'''

CHECK = '''\
"""Trusted check for {id}: seeded cases and the PyTorch reference.

Runs in the grading worker, never in the learner's process. `cases` gets a seeded generator
(the exercise id's default seed, or the instructor's secret seed) and `hidden=True` when grading
asks for the extra hidden cases. Vary every argument, include the edge cases, and scale inputs
so that each known mistake shows.
"""
# {mark}: the example's cases and reference. Replace them with your exercise's.

# drive.py (optional): each case calls the learner's function with the case's inputs as keyword
# arguments. When a case needs more (steps chained over several calls, or torch objects such as a
# model built from plain inputs), add drive.py beside this file with `def drive(fn, **inputs)`: it
# calls the learner's function and returns plain data. drive.py is the one exercise file the
# learner's jailed process imports, so the reference and the cases stay here and drive.py never
# imports this file; to share a helper, import it here instead:
# `_drive = load_sibling(__file__, "drive")` (from tutor.grading.trusted). See
# docs/content-format.md.

import numpy as np
import torch
import torch.nn.functional as F

from tutor.grading.kit import Case


def cases(rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = [(5,), (3, 4), (2, 3, 2), (1,)]
    if hidden:
        shapes += [tuple(int(d) for d in rng.integers(1, 6, size=int(rng.integers(1, 4))))
                   for _ in range(4)]
    out = []
    for shape in shapes:
        pred = rng.standard_normal(shape) * 2.0
        target = rng.standard_normal(shape) * 2.0
        out.append(Case({{"pred": pred, "target": target}}, label=f"shape {{shape}}"))
    same = rng.standard_normal((2, 2))  # an edge case: a perfect prediction has loss 0
    out.append(Case({{"pred": same, "target": same.copy()}}, label="pred equals target"))
    return out


def reference(pred: np.ndarray, target: np.ndarray) -> float:
    """Same keyword arguments as the cases; returns what the learner must return."""
    return float(F.mse_loss(torch.tensor(pred), torch.tensor(target), reduction="mean"))
'''

SOLUTION = '''\
"""Reference solution for {id} (shown to learners only after real attempts)."""
# {mark}: the example's solution. Replace it with yours.

import numpy as np


def {id}(pred: np.ndarray, target: np.ndarray) -> float:
    return float(np.mean((pred - target) ** 2))
'''

MISTAKES = {
    "sum_not_mean": "return float(np.sum((pred - target) ** 2))",
    "absolute_error": "return float(np.mean(np.abs(pred - target)))",
    "root_of_mean": "return float(np.sqrt(np.mean((pred - target) ** 2)))",
}
MISTAKE = '''\
# {mark}: a known mistake of the example. Replace it with one of yours.
import numpy as np


def {id}(pred, target):
    {body}
'''


class ScaffoldError(ValueError):
    """The id is not a valid exercise id, or the exercise already exists."""


@dataclass(frozen=True)
class Scaffold:
    exercise_dir: Path
    files: tuple[Path, ...]


def check_id(exercise_id: str) -> None:
    if not ID_PATTERN.match(exercise_id) or keyword.iskeyword(exercise_id):
        raise ScaffoldError(f"{exercise_id!r} is not a valid exercise id: use a short "
                            "snake_case name such as layer_norm or focal_loss")


def scaffold_exercise(pack: Path, exercise_id: str, title: str | None = None) -> Scaffold:
    """Write exercises/<id>/... and solutions/<id>.py under `pack`; never overwrite a file."""
    check_id(exercise_id)
    pack = Path(pack).expanduser()
    folder = pack / "exercises" / exercise_id
    solution = pack / "solutions" / f"{exercise_id}.py"
    for path in (folder, solution):
        if path.exists():
            raise ScaffoldError(f"{path} already exists: choose another id or remove it")
    title = (title or exercise_id.replace("_", " ").capitalize()).replace('"', "'")
    fields = {"id": exercise_id, "title": title, "mark": MARK, "pack": str(pack)}
    files = {
        folder / "exercise.toml": EXERCISE_TOML.format(**fields),
        folder / "README.md": README.format(**fields),
        folder / "starter.py": STARTER.format(**fields),
        folder / "check.py": CHECK.format(**fields),
        solution: SOLUTION.format(**fields),
    }
    for name, body in MISTAKES.items():
        files[folder / "mistakes" / f"{name}.py"] = MISTAKE.format(body=body, **fields)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Scaffold(folder, tuple(files))
