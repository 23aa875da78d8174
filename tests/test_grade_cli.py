"""`dltutor grade` as CI and instructors run it: exit codes, usage errors, the text a person
reads, the GitHub Actions workflow in docs/ (its own commands, run as written) and the Gradescope
run_autograder script."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
TINY = DATA / "sets" / "tiny.toml"
SUBS = DATA / "submissions"
WORKFLOW = REPO / "docs" / "github-actions-grade.yml"
RUN_AUTOGRADER = REPO / "docs" / "gradescope" / "run_autograder"


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    base["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    base.update(extra)
    return base


def dltutor(*args: str, cwd: Path = REPO, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=cwd, env=env(**extra),
                          capture_output=True, text=True, timeout=300, check=False)


# -- usage errors: exit 2, one clear line, no worker started ----------------------------------


@pytest.mark.parametrize("args, words", [
    (["--set", "nope.toml", str(SUBS / "alice")], "set file nope.toml does not exist"),
    (["--set", str(TINY), str(SUBS / "nobody")], "does not exist"),
    (["--set", str(TINY), str(SUBS / "alice" / "square.py")], "is not a folder"),
    (["--set", str(TINY), str(SUBS / "alice"), str(SUBS / "bob"), "--format", "gradescope"],
     "describes one submission"),
    (["--set", str(DATA / "sets" / "tiny_hidden.toml"), str(SUBS / "alice")],
     "give the secret seed with --seed S or in $TINY_SEED"),
    (["--set", str(TINY), str(SUBS / "alice"), "--pack", "no/such/pack"], "does not exist"),
    (["--set", str(TINY), str(SUBS / "alice"), "--timeout", "0"], "--timeout must be positive"),
    (["--set", str(TINY), str(SUBS / "alice"), "--also", "pdf=x.pdf"], "FORMAT=PATH"),
])
def test_usage_errors_exit_2(args, words):
    out = dltutor("grade", *args)
    assert out.returncode == 2, out.stderr
    assert words in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_exercise_in_a_set_exits_2(tmp_path):
    (tmp_path / "hw.toml").write_text('[[exercises]]\nid = "relu_backward"\n'
                                      '[[exercises]]\nid = "no_such_thing"\n')
    out = dltutor("grade", "--set", str(tmp_path / "hw.toml"), str(SUBS / "alice"))
    assert out.returncode == 2
    assert "unknown exercise id(s): no_such_thing" in out.stderr


# -- what a person reads ----------------------------------------------------------------------


def test_text_report_and_min_score_exit_code(tmp_path):
    out = dltutor("grade", "--set", str(TINY), str(SUBS / "alice"), str(SUBS / "bob"),
                  "--min-score", "20", "--jobs", "1", COLUMNS="100")
    assert out.returncode == 1, out.stderr  # bob is below 20 points
    text = out.stdout
    assert re.search(r"alice · 35/35 points \(100%\)\s+✔ reaches the minimum", text)
    assert re.search(r"bob · [\d.]+/35 points .*✘ below the minimum of 20", text)
    assert "Likely mistake: You let the gradient through" in text  # the table wraps the rest
    assert "no square.py in this submission" in text
    assert "Class summary · Tiny homework" in text and "Per exercise" in text
    assert "grading 2 submissions × 3 exercises with 1 worker" in out.stderr
    assert "1 below --min-score 20: bob" in out.stderr


def test_json_to_stdout_and_other_formats_to_files(tmp_path):
    out = dltutor("grade", "--set", str(TINY), str(SUBS / "alice"), "--format", "json",
                  "--also", f"csv={tmp_path / 'g.csv'}", "--also",
                  f"junit={tmp_path / 'sub' / 'j.xml'}", "--min-score", "35")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["submissions"][0]["score"] == 35.0 and doc["submissions"][0]["passed"]
    assert (tmp_path / "g.csv").read_text().splitlines()[1] == "alice,10,20,5,35,35"
    assert ET.parse(tmp_path / "sub" / "j.xml").getroot().get("failures") == "0"


def test_a_short_seed_is_warned_about_and_a_strong_one_is_not():
    # frank hands in nothing: no check runs, the warning comes before any grading
    short = dltutor("grade", "--set", str(TINY), str(SUBS / "frank"), "--seed", "424242",
                    "--format", "csv")
    assert short.returncode == 0, short.stderr
    assert "warning: the secret seed has only 19 bits" in short.stderr
    assert "dltutor seed" in short.stderr and "424242" not in short.stdout
    from_env = dltutor("grade", "--set", str(TINY), str(SUBS / "frank"), "--format", "csv",
                       DLTUTOR_SEED="0x" + "ab" * 16)
    assert from_env.returncode == 0 and "warning" not in from_env.stderr
    public = dltutor("grade", "--set", str(TINY), str(SUBS / "frank"), "--format", "csv")
    assert public.returncode == 0 and "warning" not in public.stderr


# -- the GitHub Actions workflow in docs/ -------------------------------------------------------


def workflow_commands() -> list[str]:
    """The workflow's one-line `run: dltutor ...` steps, in order."""
    commands = [m.group(1) for m in re.finditer(r"^\s*run: (dltutor .+)$", WORKFLOW.read_text(),
                                                 re.MULTILINE)]
    assert len(commands) == 2, "the workflow should validate, then grade"
    return commands


def workflow_block(key: str) -> dict[str, str]:
    """A top-level mapping of the workflow (`env:`, `permissions:`): its `  name: value` lines."""
    match = re.search(rf"^{key}:\n((?:[ \t]+.*\n|[ \t]*\n)+)", WORKFLOW.read_text(), re.MULTILINE)
    assert match, f"the workflow has no top-level {key}: block"
    return dict(re.findall(r"^  ([\w-]+): *(.*?) *$", match.group(1), re.MULTILINE))


def run_workflow(repo: Path, **extra: str) -> list[subprocess.CompletedProcess[str]]:
    """Run the workflow's dltutor steps in `repo` as the runner would: with its top-level env,
    and the validate step only when its `if:` (the pack's solutions are there) holds."""
    text = WORKFLOW.read_text()
    assert re.search(r"if: hashFiles\('pack/solutions/\*\.py'\) != ''\n\s*run: dltutor validate",
                     text), "validate runs only where the pack's solutions are"
    outs = []
    for command in workflow_commands():
        if command.startswith("dltutor validate") and not list(repo.glob("pack/solutions/*.py")):
            continue
        shell = command.replace("dltutor ", f"{sys.executable} -m tutor ", 1)
        outs.append(subprocess.run(["bash", "-e", "-c", shell], cwd=repo, capture_output=True,
                                   text=True, env=env(**{**workflow_block("env"), **extra}),
                                   timeout=300, check=False))
    return outs


def test_the_github_workflow_commands_run_as_written(tmp_path):
    shutil.copytree(DATA / "pack", tmp_path / "pack")
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "hw2.toml").write_text(
        'title = "Homework 2"\npacks = ["../pack"]\nmin_score = 20\n\n[hidden]\n\n'
        '[[exercises]]\nid = "relu_backward"\npoints = 10\n\n'
        '[[exercises]]\nid = "scale_add"\npoints = 20\n')
    for name in ("alice", "bob", "frank"):
        shutil.copytree(SUBS / name, tmp_path / "submissions" / name)
    outs = run_workflow(tmp_path, DLTUTOR_SEED="0x" + "5e" * 16)
    assert len(outs) == 2
    for out in outs:
        assert out.returncode == 0, f"{out.args}\n{out.stdout}\n{out.stderr}"
    # bob and frank are below min_score: grade exits 1, and the workflow's policy keeps the job
    # green (the reports say who passed)
    assert "2 below --min-score 20: bob, frank" in outs[1].stderr
    reports = tmp_path / "reports"
    junit = ET.parse(reports / "junit.xml").getroot()
    assert [s.get("name") for s in junit] == ["alice", "bob", "frank"]
    grades = json.loads((reports / "grades.json").read_text())
    assert grades["hidden"] is True
    assert grades["submissions"][0]["score"] == 30.0
    assert [s["passed"] for s in grades["submissions"]] == [True, False, False]
    rows = list(csv.reader((reports / "grades.csv").open()))
    assert rows[0] == ["submission", "relu_backward", "scale_add", "total", "max_score"]
    assert [r[0] for r in rows[1:]] == ["alice", "bob", "frank"]

    # grading that cannot happen (the secret is missing: GitHub then gives an empty string)
    # fails the job
    shutil.rmtree(reports)
    (out,) = [o for o in run_workflow(tmp_path, DLTUTOR_SEED="") if "grade" in str(o.args)]
    assert out.returncode != 0 and "give the secret seed" in out.stderr


def test_the_github_workflow_in_a_classroom_repository(tmp_path):
    """One student's repository: their files at the top, the pack without solutions (so no
    validate step), DLTUTOR_SUBMISSIONS set to "." and public cases (no secret there)."""
    shutil.copytree(DATA / "pack", tmp_path / "pack", ignore=shutil.ignore_patterns("solutions"))
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "hw2.toml").write_text(
        'title = "Homework 2"\npacks = ["../pack"]\n\n[hidden]\nrequired = false\n\n'
        '[[exercises]]\nid = "scale_add"\npoints = 20\n\n[[exercises]]\nid = "square"\n')
    for name in ("scale_add.py", "square.py"):
        shutil.copy(SUBS / "alice" / name, tmp_path / name)
    (out,) = run_workflow(tmp_path, DLTUTOR_SUBMISSIONS=".", DLTUTOR_SEED="")
    assert out.returncode == 0, out.stderr
    grades = json.loads((tmp_path / "reports" / "grades.json").read_text())
    assert grades["hidden"] is False and len(grades["submissions"]) == 1
    assert grades["submissions"][0]["score"] == 25.0


def test_the_github_workflow_is_safe_to_ship():
    text = "\n".join(line for line in WORKFLOW.read_text().splitlines()
                     if not line.lstrip().startswith("#"))  # the YAML, without its comments
    # least privilege, declared at the top: checkout reads, the JUnit reporter writes a check run
    assert workflow_block("permissions") == {"contents": "read", "checks": "write"}
    if "pull-requests: write" in text:  # only for the reporter's PR comments
        assert re.search(r"^\s*comment: true", text, re.MULTILINE)
    assert "mikepenz/action-junit-report@" in text
    # no token left in .git/config for the graded code to find
    checkouts = re.findall(r"uses: actions/checkout@\S+\n((?:\s+(?:with:|[\w-]+:.*)\n)*)", text)
    assert checkouts and all("persist-credentials: false" in c for c in checkouts)
    # no pip cache without a dependency file to key it
    for match in re.finditer(r"^\s*cache: pip\s*$", text, re.MULTILINE):
        assert "cache-dependency-path:" in text[match.end():match.end() + 200]
    # torch pinned to a CPU build: an unpinned torch pulls gigabytes of CUDA packages
    installs = [line for line in text.splitlines()
                if re.search(r"pip3? install", line) and not line.lstrip().startswith("#")]
    assert installs
    for line in installs:
        if re.search(r"\btorch\b", line):
            assert "torch==" in line and "--index-url https://download.pytorch.org/whl/cpu" in line
        assert not re.search(r"pip3? install\s+(-\S+\s+)*dltutor\b", line), line  # not on PyPI
    assert any("$DLTUTOR_SOURCE" in line for line in installs)
    # the exit-code policy: below min_score (1) keeps the job green, 2 fails it
    assert workflow_commands()[1].endswith("|| test $? -eq 1")


# -- the Gradescope autograder script -------------------------------------------------------------


def test_gradescope_run_autograder_writes_results(tmp_path):
    root = tmp_path / "autograder"  # laid out as `dltutor export gradescope` unpacks
    assignment = root / "source" / "assignment"
    shutil.copytree(DATA / "pack", assignment / "pack")
    (assignment / "set.toml").write_text(
        'title = "Homework 2"\npacks = ["pack"]\n\n[hidden]\n\n'
        '[[exercises]]\nid = "scale_add"\npoints = 20\n\n[[exercises]]\nid = "square"\n')
    (assignment / "seed").write_text("0x3c6ef372fe94f82ba54ff53a5f1d36f1\n")
    shutil.copytree(SUBS / "bob", root / "submission")
    bin_dir = tmp_path / "bin"  # `dltutor` on PATH, as `pip install dltutor` would put it
    bin_dir.mkdir()
    (bin_dir / "dltutor").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tutor "$@"\n')
    (bin_dir / "dltutor").chmod(0o755)
    out = subprocess.run(["bash", str(RUN_AUTOGRADER)], capture_output=True, text=True,
                         env=env(AUTOGRADER=str(root),
                                 PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"),
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr  # a strong seed
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0.0
    assert "Graded on hidden cases" in results["output"]
    assert "Missing files: square.py." in results["output"]
    scale, square = results["tests"]
    assert scale["status"] == "failed" and "hidden case 1" in scale["output"]
    assert "You swapped a and b" in scale["output"]  # the known mistake, named on hidden cases
    assert square["max_score"] == 5.0 and square["status"] == "failed"
    assert "execution_time" not in results  # hidden cases: no timing
    assert results["output_format"] == scale["output_format"] == "text"


def test_gradescope_run_autograder_reports_a_broken_setup(tmp_path):
    root = tmp_path / "autograder"
    (root / "source" / "assignment").mkdir(parents=True)
    (root / "submission").mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dltutor").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tutor "$@"\n')
    (bin_dir / "dltutor").chmod(0o755)
    out = subprocess.run(["bash", str(RUN_AUTOGRADER)], capture_output=True, text=True,
                         env=env(AUTOGRADER=str(root),
                                 PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}"),
                         timeout=300, check=False)
    assert out.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "exit code 2" in results["output"]


# -- the headless line ----------------------------------------------------------------------------

HEADLESS = ["tutor.grading.sets", "tutor.grading.batch", "tutor.grading.gradebook",
            "tutor.grading.formats.text", "tutor.grading.formats.json_report",
            "tutor.grading.formats.junit", "tutor.grading.formats.gradescope",
            "tutor.grading.formats.csv_report", "tutor.commands.grade_cmd",
            "tutor.commands.new_cmd", "tutor.commands.validate_cmd", "tutor.course.scaffold"]


def test_grading_modules_load_neither_textual_nor_torch():
    code = ("import sys, importlib\n"
            f"for name in {HEADLESS!r}:\n    importlib.import_module(name)\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env(), check=True, cwd=REPO)
    loaded = set(out.stdout.split())
    assert "textual" not in loaded and "torch" not in loaded


def test_a_submission_cannot_read_the_grade_process_memory(tmp_path):
    """Its ancestors (zygote, worker, and `dltutor grade` itself, which holds other students'
    reports) refuse /proc/PID/mem to the capability-less child."""
    import json as _json
    import subprocess as _sp
    import sys as _sys

    set_file = tmp_path / "set.toml"
    set_file.write_text('title = "t"\n[[exercises]]\nid = "relu_backward"\npoints = 1\n')
    sub = tmp_path / "eve"
    sub.mkdir()
    (sub / "relu_backward.py").write_text(
        "import os\nimport numpy as np\n\n\n"
        "def relu_backward(dout, x):\n"
        "    pid, readable = int(os.readlink('/proc/self')), []  # the host's PID\n"
        "    for _ in range(3):  # zygote, worker, the grade process\n"
        "        try:  # in a PID namespace with its own /proc, the ancestors are not there\n"
        "            with open(f'/proc/{pid}/stat') as fh:\n"
        "                pid = int(fh.read().rsplit(')', 1)[1].split()[1])\n"
        "        except (OSError, ValueError, IndexError):\n"
        "            break\n"
        "        try:\n"
        "            with open(f'/proc/{pid}/maps') as maps:\n"
        "                start = int(maps.readline().split('-')[0], 16)\n"
        "            with open(f'/proc/{pid}/mem', 'rb') as mem:\n"
        "                mem.seek(start)\n"
        "                mem.read(16)\n"
        "            readable.append(pid)\n"
        "        except OSError:\n"
        "            pass\n"
        "    if readable:\n"
        "        return np.full_like(dout, 123.0)\n"
        "    return np.where(x > 0, dout, 0.0)\n")
    command = [_sys.executable, "-m", "tutor", "grade", "--set", str(set_file), str(sub),
               "--format", "json", "--jobs", "1"]
    runs: list[tuple[list[str], dict[str, str]]] = [(command, {})]
    setpriv = shutil.which("setpriv")
    if setpriv and os.geteuid() == 0:
        # as an ordinary user would run it (GitHub Actions, a laptop): no capabilities at all;
        # then also on a kernel without namespaces, where only non-dumpable processes stop it
        unprivileged = [setpriv, "--bounding-set", "-all", "--inh-caps", "-all", *command]
        runs.append((unprivileged, {}))
        runs.append((unprivileged, {"DLTUTOR_SANDBOX_PIDNS": "0"}))
    for argv, extra in runs:
        out = _sp.run(argv, capture_output=True, text=True, timeout=300, check=False,
                      env={**os.environ, **extra})
        assert out.returncode == 0, out.stderr
        doc = _json.loads(out.stdout)
        verdict = doc["submissions"][0]["exercises"][0]["verdict"]
        assert verdict == "pass", f"a submission could read an ancestor's memory ({argv[0]}, {extra})"
