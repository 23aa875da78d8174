"""What `dltutor grade` accepts besides a folder of `<id>.py` files: Jupyter notebooks (graded
from their definitions, never run), Canvas's flat bulk download, and a missing file explained
(what the folder holds, the file most likely meant)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.grading.batch import find_file
from tutor.grading.canvas_input import (
    CanvasError,
    looks_like_canvas,
    parse_name,
    read_download,
)
from tutor.grading.notebook import Extracted, NotebookError, code_cells, extract
from tutor.grading.results import CheckResult, FailureReport, Verdict

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "tests" / "data" / "pack"
ALICE = REPO / "tests" / "data" / "submissions" / "alice"
BOB = REPO / "tests" / "data" / "submissions" / "bob"
TAKEN = {"relu_backward.py", "scale_add.py", "square.py", "conv2d_backward.py",
         "conv2d_forward.py"}


def notebook(*cells: tuple[str, str | list[str]]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": kind, "metadata": {}, "source": src,
                                  **({"outputs": [], "execution_count": None}
                                     if kind == "code" else {})}
                                 for kind, src in cells]})


def cells_of(text: str) -> list[tuple[int, str]]:
    return code_cells(text.encode(), "hw.ipynb")


# -- notebooks: what is kept, what is skipped, and saying so ---------------------------------


def test_only_definitions_imports_and_literals_are_kept():
    nb = notebook(
        ("markdown", "# Homework 2"),
        ("code", ["%matplotlib inline\n", "import numpy as np\n", "EPS = 1e-8\n",
                  "SIZES: tuple = (3, 4)\n", "data = np.load('train.npy')\n"]),
        ("code", "@staticmethod\ndef square(x):\n    return x * x\n\nclass Net:\n    pass\n"),
        ("code", "for epoch in range(100):\n    train(model)\n"),
        ("code", "%%time\nsquare(3)\n"),
        ("code", "import os; os.system('rm -rf ~')\n"),
        ("code", "x = (\n"),
        ("code", "!pip install torch\nprint(square(2))\n"),
    )
    ex = extract(cells_of(nb), "square")
    src = ex.source
    for kept in ("import numpy as np", "EPS = 1e-8", "SIZES: tuple = (3, 4)",
                 "@staticmethod", "def square(x):", "class Net:", "import os"):
        assert kept in src
    for never in ("np.load", "train(model)", "square(3)", "os.system", "pip", "print(", "%"):
        assert never not in src
    compile(src, "square.py", "exec")  # what is kept is one valid module
    assert ex.used == (2, 3, 6)  # cells counted from the top, the Markdown one included
    assert [(s.cell, s.line, s.why) for s in ex.skipped] == [
        (2, 5, "assigns a computed value"), (4, 1, "runs a loop"), (5, None, "a cell magic"),
        (6, 1, "runs an expression"), (7, 1, "does not parse"), (8, 2, "runs an expression")]
    note = ex.note("hw.ipynb")
    assert note.startswith("from notebook hw.ipynb: graded the definitions and imports of "
                           "cells 2, 3, 6; skipped cell 2 line 5 (assigns a computed value)")
    assert "rm -rf" not in note and "train" not in note  # never the skipped text itself
    # every kept line maps back to its cell and line
    line = src.splitlines().index("def square(x):") + 1
    assert ex.origin(line) == (3, 2)


def test_a_cell_that_does_not_parse_is_kept_whole_when_it_defines_the_function():
    ex = extract(cells_of(notebook(("code", "def square(x)\n    return x * x\n"))), "square")
    assert "def square(x)" in ex.source and ex.skipped == ()
    with pytest.raises(SyntaxError) as err:
        compile(ex.source, "square.py", "exec")
    assert ex.origin(err.value.lineno) == (1, 1)


@pytest.mark.parametrize("data, words", [
    (b'{"cells": [', "its JSON is broken at line 1, column 12"),
    (b"[1, 2]", "it has no list of cells"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"cells": [{"cell_type": "code", "source": 3}]}', "cell 1's source is not text"),
])
def test_a_notebook_that_is_not_one_says_why(data, words):
    with pytest.raises(NotebookError, match="hw.ipynb") as err:
        code_cells(data, "hw.ipynb")
    assert words in str(err.value)


def test_nbformat_3_notebooks_are_read():
    doc = {"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["def square(x):\n", "    return x * x\n"]}]}]}
    assert "def square" in extract(code_cells(json.dumps(doc).encode(), "a.ipynb"),
                                   "square").source


def test_line_numbers_in_results_become_cells(tmp_path):
    code = "def helper(x):\n    return x.foo\n\ndef square(x):\n    return helper(x)\n"
    nb = notebook(("markdown", "intro"), ("code", "import numpy as np\n"), ("code", code))
    ex = extract(cells_of(nb), "square")
    extracted = Extracted("hw.ipynb", tmp_path, tmp_path / "square.py", ex)
    at = {ex.origin(n): n for n in range(1, len(ex.lines) + 1) if ex.origin(n)}
    helper, call = at[(3, 2)], at[(3, 5)]
    public = FailureReport(
        case_index=0, cases_total=2, label="", seed="default", hidden=False, inputs=(),
        problem="raised AttributeError",
        traceback=(f'Traceback (your code):\n  File "square.py", line {call}, in square\n'
                   f'  File "square.py", line {helper}, in helper\nAttributeError: no\n'))
    hidden = FailureReport(
        case_index=0, cases_total=2, label="", seed="hidden", hidden=True, inputs=(),
        problem="raised AttributeError",
        traceback=f"Traceback:\n  line {call}, in square\n  line {helper}, in helper\n")
    for report, want in ((public, 'File "hw.ipynb", cell 3, line 5, in square'),
                         (hidden, "  cell 3, line 5, in square")):
        result = CheckResult(exercise="square", verdict=Verdict.ERROR, score=0.0,
                             cases_passed=0, cases_total=2, duration_ms=1.0,
                             message=f"your file does not parse: line {helper}: oops",
                             report=report, excerpt=f"{helper} | x.foo\n  | ^")
        mapped = extracted.remap(result)
        assert want in mapped.report.traceback
        assert "cell 3, line 2, in helper" in mapped.report.traceback
        assert mapped.message.startswith("your file does not parse: cell 3, line 2: oops · "
                                         "from notebook hw.ipynb")
        assert mapped.excerpt.splitlines()[0] == "cell 3, line 2 | x.foo"


# -- the missing-file report -----------------------------------------------------------------


@pytest.mark.parametrize("present", ["relu_backwards.py", "ReLU_backward.py",
                                     "relu_backward.py.txt", "relu_backward (1).py",
                                     "relu_backward - Copy.py"])
def test_a_misnamed_file_is_named_with_the_rename_to_make(tmp_path, present):
    (tmp_path / present).write_text("def relu_backward(dout, x): ...\n")
    (tmp_path / "notes.txt").write_text("my notes")
    path, why = find_file(tmp_path, "relu_backward.py", [], TAKEN)
    assert path is None
    assert why == (f"no relu_backward.py in this submission: did you mean {present}? rename it "
                   f"to relu_backward.py (the folder holds: {', '.join(sorted([present, 'notes.txt']))})")


def test_another_exercises_file_is_never_offered_and_the_listing_is_capped(tmp_path):
    (tmp_path / "conv2d_backward.py").write_text("")
    for n in range(25):
        (tmp_path / f"plot_{n:02d}.png").write_bytes(b"")
    (tmp_path / ".DS_Store").write_bytes(b"")
    _, why = find_file(tmp_path, "conv2d_forward.py", [], TAKEN)
    assert "did you mean" not in why
    assert why.startswith("no conv2d_forward.py in this submission (the folder holds: "
                          "conv2d_backward.py, plot_00.png, ")
    assert why.endswith("plot_18.png and 6 more)") and ".DS_Store" not in why
    empty = tmp_path / "empty"
    empty.mkdir()
    assert find_file(empty, "square.py", [], TAKEN)[1] == \
        "no square.py in this submission (the folder is empty)"


# -- Canvas's bulk download ------------------------------------------------------------------


@pytest.mark.parametrize("name, login, user, original, upload, late", [
    ("smithjohn_12345_67890_relu_backward.py", "smithjohn", "12345", "relu_backward.py", 0,
     False),
    ("smithjohn_late_12345_67890_relu_backward.py", "smithjohn", "12345", "relu_backward.py",
     0, True),
    ("smithjohn_LATE_12345_67890_relu_backward-1.py", "smithjohn", "12345",
     "relu_backward.py", 1, True),
    ("o_brien_7_8_hw_2_3.ipynb", "o_brien", "7", "hw_2_3.ipynb", 0, False),
    ("LATE_anon_x7Hq2_67892_square.py", "anon_x7Hq2", "anon_x7Hq2", "square.py", 0, True),
    ("anon_x7Hq2_67892_2024_square.py", "anon_x7Hq2", "anon_x7Hq2", "2024_square.py", 0,
     False),
])
def test_canvas_file_names_are_read(name, login, user, original, upload, late):
    parsed = parse_name(name)
    assert parsed is not None
    assert (parsed.login, parsed.user, parsed.original, parsed.upload, parsed.late) == \
        (login, user, original, upload, late)


@pytest.mark.parametrize("name", ["relu_backward.py", "README.txt", "smith_x_1_a.py",
                                  "smithjohn_12345_relu_backward.py"])
def test_other_names_are_not_canvas_names(name):
    assert parse_name(name) is None


def test_a_download_becomes_one_folder_per_student_with_the_original_names(tmp_path):
    dl = tmp_path / "download"
    dl.mkdir()
    (dl / "smithjohn_12345_100_square.py").write_text("old")
    (dl / "smithjohn_12345_101_square-1.py").write_text("newest")
    (dl / "doejane_LATE_222_102_square.py").write_text("jane")
    (dl / "doejane_333_103_square.py").write_text("the other jane")
    (dl / "README.txt").write_text("x")
    secret = tmp_path / "solution.py"
    secret.write_text("the instructor's solution")
    os.symlink(secret, dl / "evil_9_104_scale_add.py")
    assert looks_like_canvas(dl) and not looks_like_canvas(ALICE)

    download = read_download(dl)
    by_name = {s.name: s.path for s in download.submissions}
    assert sorted(by_name) == ["doejane_222", "doejane_333", "evil", "smithjohn"]
    assert (by_name["smithjohn"] / "square.py").read_text() == "newest"
    assert sorted(os.listdir(by_name["smithjohn"])) == ["square.py"]
    assert download.late == {"doejane_222"} and download.ignored == ["README.txt"]
    copied = by_name["evil"] / "scale_add.py"  # never followed: the checker refuses a link
    assert copied.is_symlink()
    assert all(not str(p).startswith(str(dl)) for p in by_name.values())
    root = by_name["smithjohn"].parent
    download.close()
    assert not root.exists()
    with pytest.raises(CanvasError, match="unzip it first"):
        zipped = tmp_path / "subs.zip"
        zipped.write_bytes(b"PK")
        read_download(zipped)


# -- all of it through `dltutor grade` -------------------------------------------------------


def test_grade_reads_notebooks_canvas_and_explains_missing_files(tmp_path, capsys, monkeypatch):
    scratch = tmp_path / "scratch"  # where the notebooks' code and the Canvas folders go
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    hw = tmp_path / "hw.toml"
    hw.write_text(f'title = "HW"\npacks = ["{PACK}"]\ntimeout = 5\n'
                  '[[exercises]]\nid = "scale_add"\n[[exercises]]\nid = "square"\n')
    subs = tmp_path / "subs"
    nb_student, broken, typo = subs / "nbstudent", subs / "broken", subs / "typo"
    for folder in (nb_student, broken, typo):
        folder.mkdir(parents=True)
    (nb_student / "homework.ipynb").write_text(notebook(
        ("markdown", "# my homework"),
        ("code", "import numpy as np\ndata = np.load('missing.npy')\n"),
        ("code", "def helper(x):\n    return x.foo\n\ndef square(x):\n    return helper(x)\n"),
        ("code", "def scale_add(x, a, b):\n    return a * x + b\n"),
        ("code", "while True:\n    pass\n")))
    (broken / "square.ipynb").write_text('{"cells": [')
    shutil.copy(ALICE / "square.py", typo / "sqaure.py")
    (typo / "notes.txt").write_text("x")
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    shutil.copy(ALICE / "square.py", canvas / "smithjohn_12345_678_square.py")
    shutil.copy(BOB / "scale_add.py", canvas / "smithjohn_12345_679_scale_add.py")
    shutil.copy(ALICE / "scale_add.py", canvas / "smithjohn_12345_680_scale_add-1.py")
    out = tmp_path / "grades.json"

    code = main(["grade", "--set", str(hw), str(nb_student), str(broken), str(typo),
                 "--canvas-zip-dir", str(canvas), "--format", "json", "--output", str(out),
                 "--no-honesty", "--jobs", "2"])
    err = " ".join(capsys.readouterr().err.split())  # Rich wraps long lines
    assert code == 0, err
    assert "as a Canvas download: 1 student, 3 files" in err
    report = {s["submission"]: {e["id"]: e for e in s["exercises"]}
              for s in json.loads(out.read_text())["submissions"]}
    assert sorted(report) == ["broken", "nbstudent", "smithjohn", "typo"]

    nb = report["nbstudent"]
    assert nb["scale_add"]["verdict"] == "pass"  # the endless loop in cell 5 never ran
    assert nb["scale_add"]["message"].endswith(
        "from notebook homework.ipynb: graded the definitions and imports of cells 2, 3, 4; "
        "skipped cell 2 line 2 (assigns a computed value); cell 5 line 1 (runs a loop)")
    square = nb["square"]
    assert square["verdict"] == "error"
    assert 'File "homework.ipynb", cell 3, line 5, in square' in square["report"]["traceback"]
    assert 'File "homework.ipynb", cell 3, line 2, in helper' in square["report"]["traceback"]

    assert report["broken"]["square"]["verdict"] == "error"
    assert report["broken"]["square"]["message"].startswith(
        "square.ipynb is not a valid notebook (its JSON is broken at line 1, column 12")
    assert report["broken"]["scale_add"]["verdict"] == "missing"

    assert report["typo"]["square"]["message"] == (
        "no square.py in this submission: did you mean sqaure.py? rename it to square.py "
        "(the folder holds: notes.txt, sqaure.py)")

    john = report["smithjohn"]  # the newest upload of scale_add counts (bob's was wrong)
    assert john["square"]["verdict"] == "pass" and john["scale_add"]["verdict"] == "pass"
    assert not [p for p in os.listdir(scratch) if p.startswith(("dltutor-canvas-",
                                                               "dltutor-notebooks-"))]
