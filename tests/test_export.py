"""`dltutor export gradescope`: the autograder zip holds no solution, installs and grades with only
the set's own exercises, and its run_autograder grades a submission into results.json — run here
in a scratch /autograder tree (AUTOGRADER=...), with a correct and with a hostile submission.

setup.sh needs the internet (apt, PyTorch's index), so the tests stand in for it: a virtual
environment at $AUTOGRADER/venv whose site-packages holds the zip's `tutor` package (as
`pip install dltutor/` would put it: no `_content`) and sees this environment's libraries (numpy,
torch, rich) through a .pth file. The checkout this test runs from (with its solutions/) is not on
that environment's path, as it is not on Gradescope's."""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tutor.grading.export import (
    DEFAULT_TORCH,
    TORCH_INDEX,
    run_autograder_script,
    setup_script,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SUBS = DATA / "submissions"
DOCS = REPO / "docs" / "gradescope"
SEED = "0x5f3c2a9b7e1d4c6f8a0b2e4d6c8f1a3b"  # 128 bits, as `dltutor seed` makes them
SOLUTIONS = sorted([*(REPO / "solutions").glob("*.py"), *(DATA / "pack" / "solutions").glob("*.py")])

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bash and POSIX permissions")

HW2 = f"""title = "Homework 2"
packs = [{json.dumps(str(DATA / "pack"))}]
timeout = 5
visibility = "after_due_date"

[hidden]
seed_env = "HW2_SEED"

[[exercises]]
id = "relu_backward"
points = 10

[[exercises]]
id = "scale_add"
points = 20

[[exercises]]
id = "square"
"""


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.endswith("_SEED") and k not in ("PYTHONPATH", "AUTOGRADER")}
    env.update(extra)
    return env


def dltutor(*args: str, cwd: Path = REPO, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=cwd,
                          env=clean_env(PYTHONPATH=str(REPO), **extra),
                          capture_output=True, text=True, timeout=120, check=False)


def export(tmp: Path, set_text: str = HW2, *, seed: str | None = SEED, name: str = "hw2",
           extra: tuple[str, ...] = ()) -> Path:
    set_file = tmp / f"{name}.toml"
    set_file.write_text(set_text)
    args = ["export", "gradescope", "--set", str(set_file), "--out", str(tmp / f"{name}.zip"),
            *extra]
    if seed is not None:
        (tmp / "seed.txt").write_text(seed + "\n")
        args += ["--seed-file", str(tmp / "seed.txt")]
    out = dltutor(*args)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    return tmp / f"{name}.zip"


def unpack(zip_path: Path, root: Path, *, venv: bool = True) -> Path:
    """The zip unpacked as Gradescope does, and (venv=True) what setup.sh would install."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    if venv:
        target = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True,
                       timeout=60)
        site_dir = next((target / "lib").glob("python*/site-packages"))
        shutil.copytree(root / "source" / "dltutor" / "tutor", site_dir / "tutor")
        libraries = [p for p in site.getsitepackages() if Path(p).is_dir()]
        (site_dir / "libraries.pth").write_text("\n".join(libraries) + "\n")
        script = target / "bin" / "dltutor"
        script.write_text(f"#!{target / 'bin' / 'python'}\nimport sys\n"
                          "from tutor.cli import main\nsys.exit(main())\n")
        script.chmod(0o755)
    return root


def submit(root: Path, files: dict[str, str] | Path) -> None:
    sub = root / "submission"
    shutil.rmtree(sub, ignore_errors=True)
    if isinstance(files, Path):
        shutil.copytree(files, sub)
    else:
        sub.mkdir(parents=True)
        for name, text in files.items():
            (sub / name).write_text(text)
    shutil.rmtree(root / "results", ignore_errors=True)


def run_autograder(root: Path, path_prefix: Path | None = None, **extra: str) -> dict:
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if path_prefix is not None:
        path = f"{path_prefix}{os.pathsep}{path}"
    out = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root,
                         env=clean_env(AUTOGRADER=str(root), PATH=path, **extra),
                         capture_output=True, text=True, timeout=240, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    results = root / "results" / "results.json"
    assert stat.S_ISREG(results.lstat().st_mode), out.stderr
    return json.loads(results.read_text())


@pytest.fixture(scope="module")
def hw2_zip(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("export"))


# -- what is in the zip -------------------------------------------------------------------------


def test_the_zip_holds_the_autograder_and_no_solution(hw2_zip, tmp_path):
    with zipfile.ZipFile(hw2_zip) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        data = {name: zf.read(name) for name in infos}
    names = sorted(infos)
    assert {"setup.sh", "run_autograder", "assignment/set.toml", "assignment/seed",
            "dltutor/pyproject.toml", "dltutor/tutor/cli.py"} <= set(names)
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
    assert stat.S_IMODE(infos["assignment/seed"].external_attr >> 16) == 0o600
    assert stat.S_IMODE(hw2_zip.stat().st_mode) == 0o600  # it holds the seed

    # no solution, by name or by content, anywhere in the zip
    for name in names:
        parts = name.split("/")
        assert "solutions" not in parts and "_content" not in parts, name
        assert "lessons" not in parts, name
    assert SOLUTIONS, "the test needs solutions to look for"
    for solution in SOLUTIONS:
        body = solution.read_bytes().strip()
        for name, blob in data.items():
            assert body not in blob, f"{name} holds the solution {solution}"
    # only the set's exercises, as one pack, each with its trusted files but no solution
    exercises = {n.split("/")[3] for n in names if n.startswith("assignment/pack/exercises/")}
    assert exercises == {"relu_backward", "scale_add", "square"}
    for ex in exercises:
        for needed in ("check.py", "exercise.toml", "README.md", "starter.py"):
            assert f"assignment/pack/exercises/{ex}/{needed}" in infos
    assert "assignment/pack/exercises/scale_add/mistakes/swapped.py" in infos
    assert not [n for n in names if n.startswith(("exercises/", "tutor/", "dltutor/exercises"))]

    # the set, pointed at the bundled pack; the seed in its file and nowhere else
    bundled = tomllib.loads(data["assignment/set.toml"].decode())
    assert bundled["packs"] == ["pack"] and bundled["title"] == "Homework 2"
    assert bundled["hidden"]["seed_env"] == "HW2_SEED"
    assert bundled["visibility"] == "after_due_date"
    assert [e["id"] for e in bundled["exercises"]] == ["relu_backward", "scale_add", "square"]
    assert data["assignment/seed"].decode().strip() == str(int(SEED, 16))
    for name, blob in data.items():
        if name != "assignment/seed":
            assert str(int(SEED, 16)).encode() not in blob and SEED.encode() not in blob, name

    # the installable source: no course content, no force-include
    pyproject = tomllib.loads(data["dltutor/pyproject.toml"].decode())
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"] == {"packages": ["tutor"]}
    assert "force-include" not in data["dltutor/pyproject.toml"].decode()
    assert pyproject["project"]["scripts"]["dltutor"] == "tutor.cli:main"

    # the scripts: pinned CPU torch, dltutor from the zip, the seed never on a command line
    setup = data["setup.sh"].decode()
    assert f'TORCH_VERSION="{DEFAULT_TORCH}"' in setup and f'TORCH_INDEX="{TORCH_INDEX}"' in setup
    assert '"torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"' in setup
    for line in setup.splitlines():
        if re.search(r"pip3? install", line) and re.search(r"\btorch\b", line):
            assert "torch==" in line and "--index-url" in line, line  # never an unpinned torch
    assert "pip install dltutor" not in setup and '"$SOURCE/dltutor"' in setup
    run = data["run_autograder"].decode()
    assert "--seed" not in run and 'SEED_ENV="HW2_SEED"' in run
    assert '"${AUTOGRADER:-/autograder}"' in run

    # the same inputs give the same zip, byte for byte
    again = export(tmp_path)
    assert again.read_bytes() == hw2_zip.read_bytes()


def test_the_docs_copies_are_what_the_export_writes():
    """docs/gradescope/ shows the two scripts as the export writes them (for the default seed
    variable and torch), so the docs never drift from the command."""
    assert (DOCS / "setup.sh").read_text() == setup_script()
    assert (DOCS / "run_autograder").read_text() == run_autograder_script()


def test_export_refuses_without_a_seed_or_with_a_solution_in_a_pack(tmp_path):
    (tmp_path / "hw.toml").write_text(HW2)
    out = dltutor("export", "gradescope", "--set", str(tmp_path / "hw.toml"), "--out",
                  str(tmp_path / "a.zip"))
    assert out.returncode == 2 and "give the secret seed" in out.stderr
    assert not (tmp_path / "a.zip").exists()

    pack = tmp_path / "pack"
    shutil.copytree(DATA / "pack", pack)
    shutil.copy(pack / "solutions" / "square.py", pack / "exercises" / "square" / "notes.py")
    (tmp_path / "leaky.toml").write_text(
        'packs = ["pack"]\n[[exercises]]\nid = "square"\n')
    out = dltutor("export", "gradescope", "--set", str(tmp_path / "leaky.toml"), "--out",
                  str(tmp_path / "b.zip"))
    assert out.returncode == 2, out.stderr
    assert "refusing to export" in out.stderr and "notes.py" in out.stderr
    assert not (tmp_path / "b.zip").exists() and "Traceback" not in out.stderr


def test_export_replaces_a_symlink_at_out(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "a.zip").symlink_to(victim)
    (tmp_path / "hw.toml").write_text(
        f'packs = [{json.dumps(str(DATA / "pack"))}]\n[[exercises]]\nid = "square"\n')
    out = dltutor("export", "gradescope", "--set", str(tmp_path / "hw.toml"), "--out",
                  str(tmp_path / "a.zip"))
    assert out.returncode == 0, out.stderr
    assert victim.read_bytes() == b"keep me"
    assert zipfile.is_zipfile(tmp_path / "a.zip") and not (tmp_path / "a.zip").is_symlink()


# -- run_autograder, in a scratch /autograder --------------------------------------------------


# It searches the autograder tree (../source, the whole of $AUTOGRADER) and the installed package
# (the `tutor` folder, the site-packages holding it, tutor's built-in content root). Not the rest
# of sys.path: here that includes this checkout's own virtual environment, whose editable install
# keeps a copy of the course (solutions too) in site-packages/tutor/_content; Gradescope's has none.
HOSTILE = r'''"""Hunts for a reference solution around the autograder and returns what it computes."""
import importlib.util
import os

NAME = "@NAME@"
HERE = os.path.dirname(os.path.abspath(__file__))


def _roots():
    roots = [os.path.join(HERE, os.pardir, "source"), os.path.join(HERE, os.pardir)]
    try:
        import tutor
        from tutor.course.locations import builtin_root

        package = os.path.dirname(os.path.abspath(tutor.__file__))
        roots += [package, os.path.dirname(package), str(builtin_root())]
    except Exception:
        pass
    return roots


def _candidates():
    me = os.path.realpath(__file__)
    for root in _roots():
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                path = os.path.realpath(os.path.join(folder, name))
                if path != me and (name == NAME + ".py" or
                                   os.path.basename(folder) == "solutions"):
                    yield path


def _stolen():
    for n, path in enumerate(_candidates()):
        try:
            spec = importlib.util.spec_from_file_location(f"stolen{n}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            fn = getattr(module, NAME, None)
            if callable(fn):
                return fn
        except Exception:
            continue
    return None


def @NAME@(*args, **kwargs):
    fn = _stolen()
    if fn is not None:
        return fn(*args, **kwargs)
    return None  # nothing found: no points, not even on an empty case
'''

READS_CHECK_PY = r'''"""Loads the exercise's trusted check.py from ../source and returns its reference."""
import glob
import importlib.util
import os

NAME = "@NAME@"
HERE = os.path.dirname(os.path.abspath(__file__))


def @NAME@(*args, **kwargs):
    pattern = os.path.join(HERE, os.pardir, "source", "**", NAME, "check.py")
    for n, path in enumerate(glob.glob(pattern, recursive=True)):
        try:
            spec = importlib.util.spec_from_file_location(f"check{n}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module.reference(*args, **kwargs)
        except Exception:
            continue
    return None  # nothing found: no points, not even on an empty case
'''

FUNCTIONS = ("relu_backward", "scale_add", "square")


def hostile(template: str) -> dict[str, str]:
    return {f"{name}.py": template.replace("@NAME@", name) for name in FUNCTIONS}


def test_run_autograder_grades_a_correct_and_a_hostile_submission(tmp_path):
    # exported with --allow-partial-isolation: below, the jail's namespaces are switched off
    # (hidden cases are refused under partial isolation otherwise)
    zip_path = export(tmp_path, extra=("--allow-partial-isolation",))
    root = unpack(zip_path, tmp_path / "autograder")

    submit(root, SUBS / "alice")
    results = run_autograder(root)
    assert results["score"] == 35.0, results
    assert "Graded on hidden cases" in results["output"]  # the seed reached dltutor grade
    assert [t["status"] for t in results["tests"]] == ["passed"] * 3
    assert {t["visibility"] for t in results["tests"]} == {"after_due_date"}
    assert results.get("visibility", "after_due_date") == "after_due_date"
    assert str(int(SEED, 16)) not in json.dumps(results)

    # The hostile submission, with the jail's filesystem layers off (learner code then sees the
    # whole tree as the grader's own user would): what keeps it from a solution is the zip alone.
    unjailed = {"DLTUTOR_JAIL_OFF": "namespaces,uid"}
    submit(root, hostile(HOSTILE))
    results = run_autograder(root, **unjailed)
    assert results["score"] == 0.0, results  # no solution in the tree, none in the package
    assert [t["status"] for t in results["tests"]] == ["failed"] * 3

    # the control: the same submission scores as soon as a solution is where it looks (in the
    # source tree, as the hand-made recipe's zip had them), so the 0 is not for want of trying
    shutil.copytree(DATA / "pack" / "solutions", root / "source" / "solutions")
    submit(root, hostile(HOSTILE))
    results = run_autograder(root, **unjailed)
    assert results["score"] == 25.0, results  # scale_add and square: the pack's solutions


def _jail_hides_the_tree() -> bool:
    """The jail's own root (mount namespace) shows learner code neither /autograder/source nor
    the submission folder; without one (a kernel that refuses namespaces) it could read them."""
    try:
        from tutor.grading.isolation import decide

        return "mount" not in decide()[1].missing
    except Exception:  # noqa: BLE001 - no jail to ask: assume the worst
        return False


def test_a_submission_cannot_run_the_trusted_check_py_from_the_source_tree(hw2_zip, tmp_path):
    """check.py must ship (it computes the expected values): the jail keeps it out of reach."""
    if not _jail_hides_the_tree():
        pytest.skip("this kernel gives no mount namespace: the jail cannot hide the tree")
    root = unpack(hw2_zip, tmp_path / "autograder")
    submit(root, hostile(READS_CHECK_PY))
    results = run_autograder(root)
    assert results["score"] == 0.0, results


def test_run_autograder_with_the_dltutor_on_path_and_the_seed_off_the_command_line(hw2_zip,
                                                                                 tmp_path):
    """No $AUTOGRADER/venv: run_autograder uses the `dltutor` on PATH (this environment's).
    The wrapper records every command line it gets: the seed is on none of them."""
    root = unpack(hw2_zip, tmp_path / "autograder", venv=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "argv.log"
    real = Path(sys.executable).parent / "dltutor"
    target = f'"{real}"' if real.is_file() else f'"{sys.executable}" -m tutor'
    (bin_dir / "dltutor").write_text(
        f'#!/bin/sh\necho "$0 $*" >> "{log}"\ncat /proc/$$/cmdline >> "{log}" 2>/dev/null\n'
        f"exec {target} \"$@\"\n")
    (bin_dir / "dltutor").chmod(0o755)
    submit(root, SUBS / "bob")
    results = run_autograder(root, path_prefix=bin_dir)
    assert "Graded on hidden cases" in results["output"]
    assert results["score"] < 35.0 and len(results["tests"]) == 3
    assert "You swapped a and b" in json.dumps(results)  # a known mistake, on hidden cases
    logged = log.read_text()
    assert "grade --set" in logged and "--format gradescope" in logged
    assert str(int(SEED, 16)) not in logged and "--seed" not in logged


def test_run_autograder_reports_when_nothing_can_be_graded(hw2_zip, tmp_path):
    """Without its seed the hidden set cannot be graded (dltutor exits 2): results.json says so
    instead of leaving Gradescope without one, even over a symlink planted at its path."""
    root = unpack(hw2_zip, tmp_path / "autograder", venv=False)
    (root / "source" / "assignment" / "seed").unlink()
    submit(root, SUBS / "alice")
    (root / "results").mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (root / "results" / "results.json").symlink_to(victim)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dltutor").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tutor "$@"\n')
    (bin_dir / "dltutor").chmod(0o755)
    results = run_autograder(root, path_prefix=bin_dir)
    assert results["score"] == 0 and "exit code 2" in results["output"]
    assert results["tests"] == []
    assert victim.read_text() == "keep"


# -- the seed, and the headless line ------------------------------------------------------------


def test_the_seed_comes_from_the_seed_file_or_the_variable_the_set_names(tmp_path):
    from tutor.grading.export import ExportError, export_seed
    from tutor.grading.sets import parse_set

    hidden = parse_set({"exercises": [{"id": "x"}], "hidden": {"seed_env": "HW_SEED"}},
                       tmp_path / "hw.toml")
    public = parse_set({"exercises": [{"id": "x"}]}, tmp_path / "hw.toml")
    assert export_seed(hidden, None, {"HW_SEED": "0x10", "DLTUTOR_SEED": "7"}) == (16, "$HW_SEED")
    assert export_seed(hidden, None, {"DLTUTOR_SEED": "7"}) == (7, "$DLTUTOR_SEED")
    with pytest.raises(ExportError, match="give the secret seed"):
        export_seed(hidden, None, {})
    # an instructor's ambient $DLTUTOR_SEED never turns a public set into a hidden one
    assert export_seed(public, None, {"DLTUTOR_SEED": "7"}) == (None, "")
    seed_file = tmp_path / "seed.txt"
    seed_file.write_text("42\n")
    assert export_seed(public, seed_file, {}) == (42, str(seed_file))
    seed_file.write_text("\n")
    with pytest.raises(ExportError, match="is empty"):
        export_seed(hidden, seed_file, {"HW_SEED": "1"})


def test_export_modules_load_neither_textual_nor_torch():
    code = ("import sys\nimport tutor.atomic, tutor.grading.export, tutor.commands.export_cmd\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=clean_env(PYTHONPATH=str(REPO)), check=True, cwd=REPO, timeout=60)
    loaded = set(out.stdout.split())
    assert "textual" not in loaded and "torch" not in loaded
