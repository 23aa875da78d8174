"""Build a Gradescope autograder zip for an assignment set: `dltutor export gradescope`.

Gradescope unpacks the zip in `/autograder/source`, runs `setup.sh` once when it builds the image,
then `run_autograder` once per submission with the student's files in `/autograder/submission`,
and reads the grade from `/autograder/results/results.json`. The zip holds, at its top:

    setup.sh            installs Python, a pinned CPU-only torch, then dltutor from dltutor/
    run_autograder      dltutor grade --set assignment/set.toml --format gradescope ...
    README.txt          what this is
    dltutor/            the `tutor` package and a pyproject.toml that installs it, and nothing
                        else: no lessons, no exercises, no solutions (no `tutor/_content`)
    assignment/set.toml the set, its packs rewritten to ["pack"]
    assignment/pack/exercises/<id>/   every exercise the set uses (built-in or from a pack):
                        exercise.toml, README.md, starter.py, check.py, drive.py, mistakes/
    assignment/seed     the secret seed (mode 0600), when the set grades on hidden cases

What is never in it: a solution. A student's code runs beside this tree, so a solution shipped in
the zip (or inside an installed package's `_content`) is a solution the student can find and run:
one submission scored 20/20 that way. The exported `tutor` therefore has no built-in content at
all, and grades only with the set's own bundled pack; every file is also compared with every
solution the course knows, and the export refuses if one holds a solution's text.

The secret seed never appears on a command line (`/proc/PID/cmdline` is readable by every
process): run_autograder reads it from the 0600 file into the environment variable the set's
[hidden] table names, which is where `dltutor grade` looks for it.

Nothing here imports torch or textual."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tutor.course import ContentError, Course, load_course
from tutor.grading.chain import prerequisites
from tutor.grading.sets import (
    DEFAULT_SEED_ENV,
    AssignmentSet,
    SetError,
    load_set,
    parse_seed,
    resolve,
)

DEFAULT_TORCH = "2.13.0"  #: the torch version setup.sh pins (`--torch` changes it)
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  #: CPU-only wheels: no CUDA downloads
SOURCE_DIR = "dltutor"  #: the bundled dltutor source, at the zip's top
ASSIGNMENT_DIR = "assignment"
PACK_NAME = "pack"
SET_NAME = "set.toml"
SEED_NAME = "seed"
#: fixed member timestamps: the same inputs give the same zip, byte for byte
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TORCH_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*([.+-]?[A-Za-z0-9]+)*")
_SKIP_DIRS = {"__pycache__", "_content", "solutions", ".git", ".mypy_cache", ".ruff_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo", "~", ".swp", ".bak")


class ExportError(ValueError):
    """The set cannot be exported (a missing seed, a broken set, a solution in a pack folder);
    the message says what to fix."""


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    mode: int  #: unix permissions stored in the zip (unzip restores them)


@dataclass(frozen=True)
class GradescopeExport:
    files: dict[str, ExportFile]  #: zip member name -> content, in zip order
    exercises: tuple[str, ...]
    seed_env: str | None  #: where run_autograder puts the baked seed; None: no seed in the zip

    def zip_bytes(self) -> bytes:
        """The zip, deterministic: same files, same bytes."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, item in self.files.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.create_system = 3  # unix: the mode below is honoured by unzip
                info.external_attr = (0o100000 | item.mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, item.data)
        return buf.getvalue()

    @property
    def has_seed(self) -> bool:
        return f"{ASSIGNMENT_DIR}/{SEED_NAME}" in self.files


# -- the secret seed --------------------------------------------------------------------------


def export_seed(assignment: AssignmentSet, seed_file: Path | None,
                environ: Mapping[str, str] | None = None) -> tuple[int | None, str]:
    """The seed to bake into the zip and where it came from (for a log line, never the value).

    `--seed-file FILE` wins; then, for a set with a [hidden] table, the variable it names, then
    $DLTUTOR_SEED (as `dltutor grade` reads them). A set without [hidden] gets a seed only from
    --seed-file: an instructor's ambient $DLTUTOR_SEED never switches it to hidden cases. A set
    whose [hidden] table is required and no seed anywhere: `ExportError`."""
    env = os.environ if environ is None else environ
    if seed_file is not None:
        try:
            raw = Path(seed_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportError(f"cannot read the seed file {seed_file}: {exc}") from None
        if not raw:
            raise ExportError(f"the seed file {seed_file} is empty")
        return parse_seed(raw), str(seed_file)
    if assignment.hidden is None:
        return None, ""
    for name in dict.fromkeys([assignment.hidden.seed_env, DEFAULT_SEED_ENV]):
        raw = env.get(name, "").strip()
        if raw:
            return parse_seed(raw), f"${name}"
    if assignment.hidden.required:
        raise ExportError(f"{assignment.path} grades on hidden cases: give the secret seed with "
                          f"--seed-file FILE or in ${assignment.hidden.seed_env} (it is baked "
                          "into the zip, readable by root only, never put on a command line)")
    return None, ""


def seed_variable(assignment: AssignmentSet) -> str:
    name = assignment.hidden.seed_env if assignment.hidden else DEFAULT_SEED_ENV
    if not _ENV_NAME.fullmatch(name):
        raise ExportError(f"{assignment.path}: [hidden] seed_env {name!r} is not a valid "
                          "environment variable name (letters, digits, _)")
    return name


# -- the export -------------------------------------------------------------------------------


def export_gradescope(set_file: Path, *, packs: Iterable[Path] = (), seed: int | None = None,
                      torch_version: str = DEFAULT_TORCH,
                      allow_partial_isolation: bool = False) -> GradescopeExport:
    """Everything the autograder zip holds, checked: the bundled set loads and resolves with
    only the bundled pack (and no built-in content), and no file holds a solution."""
    if not _TORCH_VERSION.fullmatch(torch_version):
        raise ExportError(f"--torch {torch_version!r} is not a version like {DEFAULT_TORCH}")
    try:
        assignment = load_set(set_file)
        course = load_course([*assignment.packs, *packs])
        items = resolve(assignment, course)
    except (SetError, ContentError) as exc:
        raise ExportError(str(exc)) from None
    seed_env = seed_variable(assignment)

    files: dict[str, ExportFile] = {}

    def add(name: str, data: bytes | str, mode: int = 0o644) -> None:
        files[name] = ExportFile(data.encode() if isinstance(data, str) else data, mode)

    add("setup.sh", setup_script(torch_version), 0o755)
    add("run_autograder", run_autograder_script(
        seed_env, allow_partial_isolation=allow_partial_isolation), 0o755)
    ids = tuple(item.id for item in items)
    add("README.txt", _readme(assignment, ids, seed))
    add(f"{SOURCE_DIR}/pyproject.toml", pyproject_text())
    for rel, data in _package_files():
        add(f"{SOURCE_DIR}/tutor/{rel}", data)
    add(f"{ASSIGNMENT_DIR}/{SET_NAME}", set_text(assignment))
    bundled = {item.id: item.exercise.directory for item in items}
    for item in items:  # what they build on (`requires`), so it resolves; never a solution
        for prereq in prerequisites(item.exercise):
            if prereq.exercise is not None:
                bundled.setdefault(prereq.id, prereq.exercise.directory)
    for ex_id, directory in bundled.items():
        for rel, data in _exercise_files(directory):
            add(f"{ASSIGNMENT_DIR}/{PACK_NAME}/exercises/{ex_id}/{rel}", data)
    if seed is not None:
        add(f"{ASSIGNMENT_DIR}/{SEED_NAME}", f"{seed}\n", 0o600)

    _refuse_solutions(files, course)
    _prove_it_loads(files, assignment, [i.points for i in items])
    return GradescopeExport(files=files, exercises=ids,
                            seed_env=seed_env if seed is not None else None)


def _refuse_solutions(files: Mapping[str, ExportFile], course: Course) -> None:
    """No exported file may be, or contain, a solution the course knows."""
    solutions: dict[Path, bytes] = {}
    for exercise in course.exercises.values():
        if exercise.solution_path is not None:
            try:
                body = exercise.solution_path.read_bytes().strip()
            except OSError:
                continue
            if len(body) >= 32:  # a one-liner could turn up by chance in any file
                solutions[exercise.solution_path] = body
    for name, item in files.items():
        parts = name.split("/")
        if "solutions" in parts or "_content" in parts:
            raise ExportError(f"refusing to export {name}: solutions never go into the zip")
        for path, body in solutions.items():
            if body in item.data:
                raise ExportError(f"refusing to export {name}: it holds the text of the solution "
                                  f"{path}; move that file out of the exercise folder")


def _prove_it_loads(files: Mapping[str, ExportFile], assignment: AssignmentSet,
                    points: list[float]) -> None:
    """Unpack the assignment folder and load it as the autograder will: the set, with only its
    bundled pack and no built-in content, strictly (any broken file is an error)."""
    with tempfile.TemporaryDirectory(prefix="dltutor-export-") as tmp:
        root = Path(tmp)
        for name, item in files.items():
            if name.startswith(ASSIGNMENT_DIR + "/"):
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.data)
        try:
            bundled = load_set(root / ASSIGNMENT_DIR / SET_NAME)
            course = load_course(bundled.packs, builtin=False, strict=True)
            items = resolve(bundled, course)
        except (SetError, ContentError) as exc:  # pragma: no cover - an export bug
            raise ExportError(f"the exported set does not load: {exc}") from None
    if [i.points for i in items] != points or bundled.title != assignment.title:
        raise ExportError("the exported set grades differently from the original "
                          "(an export bug: please report it)")  # pragma: no cover


# -- files ------------------------------------------------------------------------------------


def _walk(root: Path) -> list[tuple[str, bytes]]:
    """The files under root (relative posix paths, sorted), without caches, editor droppings,
    hidden files or anything in a `solutions`/`_content` folder. Symlinks are not followed out."""
    out: list[tuple[str, bytes]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
                continue
            path = Path(folder) / name
            if not path.is_file():
                continue
            out.append((path.relative_to(root).as_posix(), path.read_bytes()))
    return out


def _package_files() -> list[tuple[str, bytes]]:
    """The installed `tutor` package's files, without `_content` (the built-in course with its
    solutions, inside a wheel install)."""
    import tutor

    return _walk(Path(tutor.__file__).resolve().parent)


def _exercise_files(directory: Path) -> list[tuple[str, bytes]]:
    files = _walk(directory)
    if not any(rel == "check.py" for rel, _ in files):  # pragma: no cover - the loader insists
        raise ExportError(f"{directory} has no check.py")
    return files


@dataclass(frozen=True)
class _Project:
    version: str
    description: str
    requires_python: str
    dependencies: tuple[str, ...]


def pyproject_text() -> str:
    """A pyproject that installs the bundled `tutor` package and its dependencies, and ships no
    course content (the real one force-includes lessons/, exercises/ and solutions/)."""
    meta = _project_metadata()
    deps = "".join(f"    {_toml_str(d)},\n" for d in meta.dependencies)
    return (
        "# Written by `dltutor export gradescope`: dltutor's code, without any course content\n"
        "# (no lessons, exercises or solutions). setup.sh installs it.\n"
        "[build-system]\n"
        'requires = ["hatchling>=1.18"]\n'
        'build-backend = "hatchling.build"\n\n'
        "[project]\n"
        'name = "dltutor"\n'
        f"version = {_toml_str(meta.version)}\n"
        f"description = {_toml_str(meta.description)}\n"
        f"requires-python = {_toml_str(meta.requires_python)}\n"
        f"dependencies = [\n{deps}]\n\n"
        "[project.scripts]\n"
        'dltutor = "tutor.cli:main"\n\n'
        "[tool.hatch.build.targets.wheel]\n"
        'packages = ["tutor"]\n'
    )


def _project_metadata() -> _Project:
    """Version and dependencies of the running dltutor: from the checkout's pyproject.toml, else
    from the installed distribution."""
    import tutor

    checkout = Path(tutor.__file__).resolve().parent.parent / "pyproject.toml"
    if checkout.is_file():
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            project = tomllib.loads(checkout.read_text(encoding="utf-8")).get("project", {})
        except (OSError, ValueError):
            project = {}
        if project.get("name") == "dltutor":
            return _Project(str(project.get("version", tutor.__version__)),
                            str(project.get("description", "dltutor")),
                            str(project.get("requires-python", ">=3.10")),
                            tuple(str(d) for d in project.get("dependencies", [])))
    from importlib import metadata

    try:
        dist = metadata.distribution("dltutor")
    except metadata.PackageNotFoundError:  # pragma: no cover - neither checkout nor install
        raise ExportError("cannot tell dltutor's dependencies: run from a checkout or an "
                          "installed dltutor") from None
    requires = tuple(r for r in (dist.requires or []) if not re.search(r"\bextra\s*==", r))
    summary = dist.metadata.get_all("Summary") or ["dltutor"]
    python = dist.metadata.get_all("Requires-Python") or [">=3.10"]
    return _Project(dist.version, str(summary[0]), str(python[0]), requires)


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, but for DEL and astral characters)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)


def set_text(assignment: AssignmentSet) -> str:
    """The set as the autograder reads it: the same title, points, timeouts, visibility and
    [hidden] table, with `packs = ["pack"]` (the bundled folder beside it)."""
    source = _toml_str(assignment.path.name) if assignment.path else "a set"
    lines = [f"# Written by `dltutor export gradescope` from {source}:",
             "# the same set, with its exercises bundled in pack/ beside it.",
             f"title = {_toml_str(assignment.title)}",
             f'packs = ["{PACK_NAME}"]']
    if assignment.min_score is not None:
        lines.append(f"min_score = {_toml_num(assignment.min_score)}")
    if assignment.timeout is not None:
        lines.append(f"timeout = {_toml_num(assignment.timeout)}")
    lines.append(f"visibility = {_toml_str(assignment.visibility)}")
    if assignment.hidden is not None:
        lines += ["", "[hidden]", f"seed_env = {_toml_str(assignment.hidden.seed_env)}",
                  f"required = {'true' if assignment.hidden.required else 'false'}"]
    for entry in assignment.entries:
        lines += ["", "[[exercises]]", f"id = {_toml_str(entry.id)}"]
        if entry.points is not None:
            lines.append(f"points = {_toml_num(entry.points)}")
        if entry.timeout is not None:
            lines.append(f"timeout = {_toml_num(entry.timeout)}")
        if entry.visibility is not None:
            lines.append(f"visibility = {_toml_str(entry.visibility)}")
        if entry.name is not None:
            lines.append(f"name = {_toml_str(entry.name)}")
    return "\n".join(lines) + "\n"


def _readme(assignment: AssignmentSet, ids: tuple[str, ...], seed: int | None) -> str:
    from tutor import __version__

    hidden = ("Graded on hidden cases: assignment/seed holds the secret seed. Keep this zip as "
              "secret as the seed.\n" if seed is not None else "Graded on the public cases.\n")
    return (f"Gradescope autograder for {assignment.title!r}, written by `dltutor export "
            f"gradescope` (dltutor {__version__}).\n\n"
            "Upload this zip as the assignment's autograder (Configure Autograder -> Zip file "
            "upload). Students submit files named <exercise_id>.py:\n\n"
            + "".join(f"  {i}.py\n" for i in ids) + "\n" + hidden +
            "\nsetup.sh installs a CPU-only PyTorch and dltutor (from dltutor/, which holds no "
            "course content and no solutions); run_autograder grades one submission into "
            "/autograder/results/results.json. Rebuild the zip with the same command after "
            "changing the set or the pack.\n")


# -- the two scripts --------------------------------------------------------------------------

SETUP_SH = r"""#!/usr/bin/env bash
# Written by `dltutor export gradescope` (dltutor @VERSION@).
#
# Gradescope runs this once, as root, when it builds the autograder image, with the zip unpacked
# in /autograder/source. It installs Python, a pinned CPU-only PyTorch and dltutor from the copy
# in this zip (dltutor is not on PyPI; the copy holds no course content and no solutions) into a
# virtual environment at /autograder/venv, which run_autograder uses.
set -euo pipefail

AUTOGRADER="${AUTOGRADER:-/autograder}"
SOURCE="$AUTOGRADER/source"
VENV="$AUTOGRADER/venv"
TORCH_VERSION="@TORCH@"
TORCH_INDEX="@TORCH_INDEX@"

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
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Written by `dltutor export gradescope` (dltutor @VERSION@).
#
# Gradescope runs this once per submission: the student's files are in /autograder/submission,
# this zip's files in /autograder/source, and the grade goes to /autograder/results/results.json.
# Every path hangs off $AUTOGRADER (default /autograder), so it also runs in a scratch folder.
set -u

AUTOGRADER="${AUTOGRADER:-/autograder}"
SOURCE="$AUTOGRADER/source"
SUBMISSION="$AUTOGRADER/submission"
RESULTS="$AUTOGRADER/results/results.json"
ASSIGNMENT="$SOURCE/assignment"
SEED_ENV="@SEED_ENV@"  # the variable the set's [hidden] table names

# dltutor as setup.sh installed it; otherwise the `dltutor` on PATH.
if [ -x "$AUTOGRADER/venv/bin/dltutor" ]; then
  PATH="$AUTOGRADER/venv/bin:$PATH"
fi
mkdir -p "$AUTOGRADER/results"

# The secret seed for the hidden cases: from the environment when it is set there, else from the
# root-only file the export put in the zip (students never see the zip). It travels in the
# environment only, never on a command line: /proc/PID/cmdline is readable by every process.
if [ -z "${!SEED_ENV:-}" ] && [ -f "$ASSIGNMENT/seed" ]; then
  chmod 600 "$ASSIGNMENT/seed" 2>/dev/null || true
  IFS= read -r seed_value < "$ASSIGNMENT/seed" || true
  export "$SEED_ENV=$seed_value"
  unset seed_value
fi

# Hidden cases are refused under partial isolation (`dltutor doctor` on the image says why)
# unless the export was made with --allow-partial-isolation: then @GRADE_FLAGS@ holds that flag.
dltutor grade --set "$ASSIGNMENT/set.toml" --format gradescope --output "$RESULTS" @GRADE_FLAGS@"$SUBMISSION"
status=$?

# 0: graded. 1: graded, below the set's min_score: still a grade. 2 and up: nothing was graded (a
# broken set or pack, no seed): say so rather than leave Gradescope without results.
if [ "$status" -ge 2 ]; then
  rm -rf -- "$RESULTS"
  printf '{"score": 0, "output": "The autograder could not grade this submission (dltutor exit code %s). Please tell your instructor.", "output_format": "text", "tests": []}\n' "$status" > "$RESULTS"
fi
exit 0
"""


def setup_script(torch_version: str = DEFAULT_TORCH) -> str:
    from tutor import __version__

    return (SETUP_SH.replace("@VERSION@", __version__).replace("@TORCH@", torch_version)
            .replace("@TORCH_INDEX@", TORCH_INDEX))


def run_autograder_script(seed_env: str = DEFAULT_SEED_ENV, *,
                          allow_partial_isolation: bool = False) -> str:
    from tutor import __version__

    if not _ENV_NAME.fullmatch(seed_env):
        raise ExportError(f"{seed_env!r} is not a valid environment variable name")
    flags = "--allow-partial-isolation " if allow_partial_isolation else ""
    return (RUN_AUTOGRADER.replace("@VERSION@", __version__).replace("@SEED_ENV@", seed_env)
            .replace("@GRADE_FLAGS@", flags))
