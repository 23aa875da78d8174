"""docs/instructors.md, sections 8-11, run as an instructor would type them.

The class report, honesty signals, rosters, overrides, late work, gradebook exports, notebooks,
Canvas downloads, feedback files and the regrade cache are documented with commands and file
examples. This test reads the doc itself: it writes every file the doc shows (blocks marked
`<!-- file: NAME -->`, and `<!-- add to: NAME -->` for a fragment of the set such as its `[late]`
table), builds the class those files name, runs every `dltutor` command of the ```console and
```sh blocks of sections 8-11 in the order the doc gives them, through `tutor.cli.main`, in one
folder, and checks what the doc promises: the exit codes, the files each command writes, the
lines the doc shows a command printing, the known mistakes in the class report, the honesty
signals in the instructor's reports only, the adjusted grades and the second run from the cache.

The class (`submissions/`), with every role the doc describes:

| folder | hands in | so that |
| --- | --- | --- |
| zadams | the shipped solutions | a full score, a "matches the shipped solution" signal |
| bbrown | two known mistakes (`exercises/<id>/mistakes/`) | the class report names them |
| cchen | one notebook, `homework.ipynb`, defining both functions | notebooks are graded as they are; 16 minutes late |
| dlee | relu_backward.py only | the missing-file report; an override accepts the file emailed in |
| ecruz | the solution with every name changed, and a string naming `solutions/` | identical code, reaching for the course |

The whole class is graded twice (the first command, and `--no-cache`); every other command is
answered by the regrade cache or reads JSON. Section 12 (a Dask cluster) is left to
tests/test_cluster.py: `--scheduler tcp://...` needs a running cluster and `--scheduler local:4`
starts four worker processes."""

from __future__ import annotations

import glob
import io
import itertools
import json
import re
import shlex
import shutil
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.course import load_course
from tutor.grading.client import Grader

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "instructors.md"
DATA = REPO / "tests" / "data" / "instructor_docs"
SECTIONS = (8, 9, 10, 11)
EXERCISES = ("relu_backward", "adam_step")
CLASS = ("bbrown", "cchen", "dlee", "ecruz", "zadams")
#: commands of sections 8-11 that are not dltutor's, and why they are not run
NOT_RUN = {"unzip": "the test builds canvas-download/ as unzip leaves it"}

# -- reading the doc ---------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<kind>file|add to|output):\s*(?P<name>[^\s>]+)[^>]*-->\s*$")
_SECTION = re.compile(r"^## (\d+)\.")


@dataclass(frozen=True)
class Block:
    """A fenced block of the doc, without its indentation."""

    section: int
    lang: str
    text: str
    marker: tuple[str, str] | None  #: ("file", "roster.csv") from the comment right before


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    section, marker, lines, i = 0, None, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if (heading := _SECTION.match(line)) is not None:
            section = int(heading.group(1))
        if (found := _MARKER.match(line)) is not None:
            marker = (found.group("kind"), found.group("name"))
        elif (fence := _FENCE.match(line)) is not None:
            indent, body = len(fence.group("indent")), []
            i += 1
            while not lines[i].strip().startswith("```"):
                body.append(lines[i][indent:])
                i += 1
            blocks.append(Block(section, fence.group("lang"), "\n".join(body) + "\n", marker))
            marker = None
        elif line.strip():
            assert marker is None, f"{DOC.name}: a marker is not right before a block: {line!r}"
        i += 1
    return blocks


@dataclass(frozen=True)
class Command:
    section: int
    line: str  #: as typed, continuations joined, without the prompt
    shows: tuple[str, ...]  #: the lines the doc shows it printing


def read_commands(blocks: list[Block]) -> list[Command]:
    """Every command of the console and sh blocks of sections 8-11, in order."""
    commands: list[Command] = []
    for block in blocks:
        if block.section not in SECTIONS or block.lang not in ("console", "sh"):
            continue
        joined: list[str] = []
        for line in block.text.splitlines():
            if joined and joined[-1].endswith("\\"):
                joined[-1] = joined[-1][:-1].rstrip() + " " + line.strip()
            else:
                joined.append(line)
        current: list[str] = []  # [command, output lines ...]
        found: list[list[str]] = []
        for line in joined:
            if block.lang == "sh" or line.startswith("$ "):
                current = [line.removeprefix("$ ").strip()]
                found.append(current)
            elif line.strip():
                current.append(line.strip())
        commands += [Command(block.section, c[0], tuple(c[1:])) for c in found if c[0]]
    return commands


def doc_quote(after: str) -> str:
    """The first `code` after `after` in the doc's prose (lines joined)."""
    prose = " ".join(DOC.read_text(encoding="utf-8").split())
    found = re.search(re.escape(after) + r"[^`]*`([^`]+)`", prose)
    assert found, f"{DOC.name} no longer says {after!r}"
    return found.group(1)


def add_to_toml(base: str, fragment: str) -> str:
    """The set with a fragment pasted where it belongs: its top-level keys under the set's own
    (a key the set already has must have the same value), its tables at the end."""
    have, extra = tomllib.loads(base), tomllib.loads(fragment)
    top, tables, in_table = [], [], False
    for line in fragment.splitlines():
        in_table = in_table or line.lstrip().startswith("[")
        key = line.partition("=")[0].strip()
        if in_table:
            tables.append(line)
        elif key in have and not line.lstrip().startswith("#"):
            assert have[key] == extra[key], f"the doc's set and its fragment disagree on {key}"
        else:
            top.append(line)
    lines = base.splitlines()
    at = next((n for n, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    merged = "\n".join([*lines[:at], *top, *lines[at:], "", *tables]) + "\n"
    tomllib.loads(merged)
    return merged


def write_doc_files(blocks: list[Block], folder: Path) -> dict[str, Path]:
    """Every file the doc shows (`file:`), then the fragments added to them (`add to:`)."""
    written: dict[str, Path] = {}
    for kind in ("file", "add to"):
        for block in blocks:
            if block.marker is None or block.marker[0] != kind:
                continue
            path = folder / block.marker[1]
            if kind == "file":
                assert block.marker[1] not in written, f"two blocks are {block.marker[1]}"
                path.write_text(block.text, encoding="utf-8")
            else:
                path.write_text(add_to_toml(path.read_text(encoding="utf-8"), block.text),
                                encoding="utf-8")
            written[block.marker[1]] = path
    return written


# -- the class ---------------------------------------------------------------------------------

#: Canvas's bulk download: its file names -> the class member whose file it holds (the same
#: bytes, so the cache knows every one); smithjohn uploaded relu_backward.py twice
CANVAS = {
    "smithjohn_12345_67890_relu_backward.py": "bbrown/relu_backward.py",
    "smithjohn_12345_67893_relu_backward-1.py": "zadams/relu_backward.py",
    "smithjohn_12345_67891_adam_step.py": "zadams/adam_step.py",
    "doejane_LATE_23456_67900_relu_backward.py": "bbrown/relu_backward.py",
    "doejane_LATE_23456_67901_adam_step.py": "bbrown/adam_step.py",
    "kimmin_LATE_34567_67910_relu_backward.py": "dlee/relu_backward.py",
    "leeann_LATE_45678_67920_relu_backward.py": "ecruz/relu_backward.py",
    "leeann_LATE_45678_67921_adam_step.py": "ecruz/adam_step.py",
}
MISTAKES = {"relu_backward": "ge_instead_of_gt", "adam_step": "no_bias_correction"}


def build_class(folder: Path) -> None:
    course = load_course()
    subs = folder / "submissions"
    shutil.copytree(DATA / "submissions", subs)
    for exercise_id in EXERCISES:
        exercise = course.exercise(exercise_id)
        assert exercise.solution_path is not None
        (subs / "zadams").mkdir(exist_ok=True)
        shutil.copy(exercise.solution_path, subs / "zadams" / f"{exercise_id}.py")
        (subs / "bbrown").mkdir(exist_ok=True)
        shutil.copy(exercise.directory / "mistakes" / f"{MISTAKES[exercise_id]}.py",
                    subs / "bbrown" / f"{exercise_id}.py")
    download = folder / "canvas-download"
    download.mkdir()
    for name, source in CANVAS.items():
        shutil.copy(subs / source, download / name)
    (download / "README.txt").write_text("Canvas: Homework 2 submissions\n")


# -- running the commands ----------------------------------------------------------------------


@dataclass
class Run:
    command: Command
    argv: list[str]
    code: int
    out: str
    err: str
    checks: int  #: checks the grading workers ran for it
    files: dict[str, bytes] = field(default_factory=dict)  #: what it wrote, as it left it

    @property
    def said(self) -> str:
        """stdout and stderr, whitespace collapsed (Rich wraps at 100 columns)."""
        return " ".join(f"{self.out}\n{self.err}".split())

    def file(self, name: str) -> bytes:
        assert name in self.files, f"`{self.command.line}` did not write {name}: {self.err}"
        return self.files[name]

    def text(self, name: str) -> str:
        return self.file(name).decode("utf-8-sig")


def outputs(argv: list[str]) -> list[str]:
    """The paths a dltutor command names for what it writes."""
    found = []
    for flag, value in itertools.pairwise(argv):
        if flag == "--output":
            found.append(value)
        elif flag == "--also":
            found.append(value.partition("=")[2])
    return found


def snapshot(paths: list[str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.update({str(p): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()})
        elif path.is_file():
            files[str(path)] = path.read_bytes()
    return files


def run(command: Command, counted: list[int]) -> Run:
    words = shlex.split(command.line, comments=True)
    if words[0] == "python":  # section 9 reads grades.json with a one-liner
        done = subprocess.run([sys.executable, *words[1:]], capture_output=True, text=True,
                              timeout=120, check=False)
        return Run(command, words, done.returncode, done.stdout, done.stderr, 0)
    assert words[0] == "dltutor", command.line
    argv = []
    for word in words[1:]:  # the shell's glob: `submissions/*/`
        if "*" in word:
            matches = sorted(glob.glob(word))
            assert matches, f"{word} matches nothing"
            argv += matches
        else:
            argv.append(word)
    out, err, before = io.StringIO(), io.StringIO(), len(counted)
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: an unknown flag
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(command, argv, code, out.getvalue(), err.getvalue(), len(counted) - before,
               snapshot(outputs(argv)))


@dataclass
class DocRun:
    folder: Path
    doc_files: dict[str, Path]
    canvas_csv: str  #: the doc's example of canvas.csv
    runs: list[Run]
    not_run: list[Command]

    def find(self, *parts: str, section: int | None = None) -> list[Run]:
        found = [r for r in self.runs if all(p in r.command.line for p in parts)
                 and section in (None, r.command.section)]
        assert found, f"no command of the doc has {parts}"
        return found

    def one(self, *parts: str, section: int | None = None) -> Run:
        found = self.find(*parts, section=section)
        assert len(found) == 1, [r.command.line for r in found]
        return found[0]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> DocRun:
    root = tmp_path_factory.mktemp("instructor-docs")
    folder = root / "course"
    folder.mkdir()
    blocks = read_blocks(DOC.read_text(encoding="utf-8"))
    counted: list[int] = []
    lock = threading.Lock()
    real_check = Grader.check

    def check(self, *args, **kwargs):  # every check a grading worker runs goes through here
        with lock:
            counted.append(1)
        return real_check(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLTUTOR_HOME", str(root / "home"))  # the regrade cache lives under it
        mp.setenv("COLUMNS", "100")
        mp.setenv("LINES", "30")
        mp.delenv("DLTUTOR_SEED", raising=False)
        mp.setattr(Grader, "check", check)
        mp.chdir(folder)
        build_class(folder)
        files = write_doc_files(blocks, folder)
        runs, not_run = [], []
        for command in read_commands(blocks):
            if command.line.split()[0] in NOT_RUN:
                not_run.append(command)
            else:
                runs.append(run(command, counted))
    canvas = [b.text for b in blocks if b.marker == ("output", "canvas.csv")]
    assert len(canvas) == 1
    return DocRun(folder, files, canvas[0], runs, not_run)


def graded(run: Run, name: str = "grades.json") -> dict[str, dict]:
    """Submission name -> its JSON entry, with `exercises` keyed by id."""
    report = json.loads(run.text(name))
    return {s["submission"]: {**s, "exercises": {e["id"]: e for e in s["exercises"]}}
            for s in report["submissions"]}


def below_min_score(run: Run) -> int:
    found = re.search(r"(\d+) below --min-score", run.said)
    assert found, f"`{run.command.line}` did not say who is below min_score: {run.said}"
    return int(found.group(1))


def shape(line: str) -> re.Pattern[str]:
    """The doc's example output with its numbers (which depend on the class) left open."""
    pattern = re.escape(" ".join(line.split()))
    return re.compile(re.sub(r"\d+(?:\\\.\d+)?", r"\\d+(?:\\.\\d+)?", pattern))


# -- the tests ---------------------------------------------------------------------------------


def test_the_doc_files_and_the_class_agree(doc):
    assert set(doc.doc_files) == {"hw2.toml", "roster.csv", "overrides.csv", "times.csv"}
    hw2 = tomllib.loads((doc.folder / "hw2.toml").read_text(encoding="utf-8"))
    assert [e["id"] for e in hw2["exercises"]] == list(EXERCISES)
    assert hw2["gradebook_column"] and hw2["late"]["penalty_per_day"] == 10
    folders = sorted(p.name for p in (doc.folder / "submissions").iterdir())
    assert folders == sorted(CLASS)
    roster = (doc.folder / "roster.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(row.split(",")[0] for row in roster) == folders
    ids = {row.split(",")[1] for row in roster}
    for row in (doc.folder / "overrides.csv").read_text(encoding="utf-8").splitlines()[1:]:
        student, exercise = row.split(",")[:2]
        assert student in folders or student in ids
        assert exercise in EXERCISES
    for row in (doc.folder / "times.csv").read_text(encoding="utf-8").splitlines()[1:]:
        assert row.split(",")[0] in folders


def test_every_command_runs_and_exits_as_the_doc_says(doc):
    assert [c.line.split()[0] for c in doc.not_run] == ["unzip"]
    lines = [r.command.line for r in doc.runs]
    for part in ("report=class-report", "report grades.json", "--roster roster.csv",
                 "--canvas-zip-dir", "feedback=feedback/", "--no-cache"):
        assert any(part in line for line in lines), part
    assert len(doc.runs) >= 12
    for r in doc.runs:
        assert r.code != 2, f"`{r.command.line}` is a usage error: {r.said}"
        if r.argv[0] == "grade":
            # 1 exactly when someone is below the set's min_score (bbrown, with two mistakes)
            assert r.code == (1 if below_min_score(r) else 0), r.said
            assert "Traceback" not in r.said
        else:
            assert r.code == 0, f"`{r.command.line}`: {r.out}{r.err}"
        for name in outputs(r.argv):  # every file and folder it names, written
            assert any(f == name or f.startswith(name.rstrip("/") + "/") for f in r.files), \
                f"`{r.command.line}` wrote no {name}"
    for r in doc.find("grade", "submissions/"):
        assert r.argv.count("submissions/bbrown/") == 1  # the glob, as the shell expands it
        assert [a for a in r.argv if a.startswith("submissions/")] == \
            [f"submissions/{n}/" for n in CLASS]


def test_commands_print_what_the_doc_shows_them_printing(doc):
    shown = [r for r in doc.runs if r.command.shows]
    assert len(shown) >= 4
    for r in shown:
        if r.argv[0] == "python":  # the honesty one-liner: its lines exactly
            assert set(r.command.shows) <= set(r.out.splitlines()), r.out
            continue
        for line in r.command.shows:
            assert shape(line).search(r.said), f"`{r.command.line}` did not print {line!r}:\n" \
                f"{r.said}"


def test_the_class_report_says_what_the_class_got_wrong(doc):
    course = load_course()
    during = doc.one("report=class-report")
    assert "wrote the class report to class-report/index.html" in during.said
    written = {"class-report/index.html", "class-report/report.json", "class-report/report.txt"}
    assert set(during.files) == written
    text = " ".join(during.text("class-report/report.txt").split())
    figures = json.loads(during.text("class-report/report.json"))
    seen = {(m["exercise"], m["mistake"]) for m in figures["mistakes"]}
    assert seen == set(MISTAKES.items())
    for exercise_id, mistake_id in MISTAKES.items():
        diagnosis = next(m.diagnosis for m in course.exercise(exercise_id).mistakes
                         if m.id == mistake_id)
        assert diagnosis[:40] in text  # the sentence the students read
        assert diagnosis[:40] in " ".join(during.text("class-report/index.html").split())
    assert re.search(r"Most common mistake: \d+% of the class \(1 of \d who handed in", text)
    assert "Honesty signals" in text and "ecruz" in text

    # later, from the JSON: the same report, byte for byte
    later = doc.one("report grades.json --output")
    assert later.files == during.files
    terminal = next(r for r in doc.find("report grades.json") if "--output" not in r.argv)
    assert terminal.out.split() == during.text("class-report/report.txt").split()


def test_honesty_signals_reach_the_instructor_and_never_a_student(doc):
    signals = json.loads(doc.one("--format json --output grades.json", section=9)
                         .text("grades.json"))["honesty"]
    found = {(s["kind"], s["exercise"], tuple(s["submissions"])) for s in signals}
    assert found == {("solution", "adam_step", ("ecruz", "zadams")),
                     ("identical", "adam_step", ("ecruz", "zadams")),
                     ("course_access", "relu_backward", ("ecruz",))}
    table = doc.find("grade", "submissions/*/", section=11)[0]  # the plain text report
    assert "Honesty signals" in table.said and "names solutions/" in table.said
    feedback = doc.one("feedback=feedback/")
    assert sorted(feedback.files) == sorted(f"feedback/{n}.{ext}" for n in CLASS
                                            for ext in ("html", "md"))
    for name, data in feedback.files.items():
        text = data.decode("utf-8")
        student = Path(name).stem
        assert "shipped solution" not in text and "identical" not in text.lower()
        assert "names solutions/" not in text and "isolation" not in text
        assert not any(other in text for other in CLASS if other != student), name


def test_rosters_overrides_late_work_and_the_canvas_export(doc):
    r = doc.one("--roster roster.csv")
    text = " ".join(r.text("grades.txt").split())
    assert doc_quote("Every report then names the student (") in text
    assert doc_quote("the text report's title line (") in text  # cchen, 16 minutes late
    grades = graded(r)
    assert grades["zadams"]["student"]["name"] == "Zoë Adams"
    late = {n: (g["late"]["days_late"], g["late"]["penalty_percent"]) for n, g in grades.items()}
    assert late == {"zadams": (0, 0), "bbrown": (0, 0), "cchen": (1, 10), "dlee": (0, 0),
                    "ecruz": (0, 0)}  # bbrown within the grace minutes, dlee's extension
    assert grades["cchen"]["raw_score"] == 30 and grades["cchen"]["score"] == 27
    assert grades["ecruz"]["late"]["submitted_at"] is None  # no row in times.csv: a warning
    assert "ecruz" in " ".join(json.loads(r.text("grades.json"))["warnings"])
    accepted = grades["dlee"]["exercises"]["adam_step"]
    assert (accepted["verdict"], accepted["score"]) == ("pass", 20)
    assert accepted["override"]["original_verdict"] == "missing"
    copied = grades["ecruz"]["exercises"]["adam_step"]
    assert (copied["verdict"], copied["score"]) == ("fail", 0)
    assert copied["override"] == {"original_verdict": "pass", "original_score": 20.0,
                                  "comment": "copied from another submission"}
    assert [n for n, g in grades.items() if not g["passed"]] == ["bbrown", "ecruz"]
    # `--bom`: both CSV files start with one; the doc's canvas.csv is what was written
    assert r.file("grades.csv").startswith(b"\xef\xbb\xbf")
    assert r.file("canvas.csv").startswith(b"\xef\xbb\xbf")
    assert doc_quote("to the student in Gradescope: ").removeprefix("Override: ") in \
        r.text("grades.csv")
    canvas = r.text("canvas.csv").splitlines()
    for line in doc.canvas_csv.splitlines():
        assert line in canvas, (line, canvas)
    assert len(canvas) == 2 + len(CLASS)


def test_notebooks_and_missing_files_are_graded_as_the_doc_says(doc):
    grades = graded(doc.find("--format json --output grades.json")[0])
    for exercise_id in EXERCISES:
        notebook = grades["cchen"]["exercises"][exercise_id]
        assert notebook["verdict"] == "pass", notebook["message"]
        assert "from notebook homework.ipynb" in notebook["message"]
        assert grades["zadams"]["exercises"][exercise_id]["verdict"] == "pass"
        assert grades["bbrown"]["exercises"][exercise_id]["mistake"] == MISTAKES[exercise_id]
    assert "runs a loop" in grades["cchen"]["exercises"]["adam_step"]["message"]
    missing = grades["dlee"]["exercises"]["adam_step"]
    assert missing["verdict"] == "missing" and "relu_backward.py" in missing["message"]
    assert grades["ecruz"]["score"] == 30


def cache_is_on(doc: DocRun) -> bool:
    return "regrade cache: off" not in doc.runs[0].said


def test_a_canvas_download_is_graded_per_student(doc):
    listing = sorted(p.name for p in (doc.folder / "canvas-download").iterdir())
    assert listing == sorted([*CANVAS, "README.txt"])  # nothing written next to the download
    for r in doc.find("canvas-download"):
        assert "read canvas-download as a Canvas download: 4 students, 8 files, 3 late " \
               "(doejane, kimmin, leeann); ignored 1 file" in r.said
        assert r.checks == 0 or not cache_is_on(doc)  # the class's files: from the cache
    rows = {row.split(",")[0]: row.split(",") for row in
            doc.one("canvas-download --also csv=grades.csv").text("grades.csv").splitlines()}
    total = rows["submission"].index("total")
    assert rows["smithjohn"][total] == "30"  # the second upload of relu_backward.py counts
    assert rows["doejane"][total] != "30"
    assert set(rows) == {"submission", "smithjohn", "doejane", "kimmin", "leeann"}


def test_the_second_run_comes_from_the_cache(doc):
    grades = doc.find("grade", "submissions/*/")
    first = grades[0]
    if not cache_is_on(doc):
        pytest.skip("the regrade cache is off under this machine's isolation (see doctor)")
    files = len(CLASS) * len(EXERCISES) - 1  # dlee's adam_step.py is missing: nothing to run
    assert first.checks == files and "regraded" not in first.said
    assert grades[1].checks == 0
    assert f"regraded 0 of {first.checks} checks ({first.checks} unchanged, from the cache)" \
        in grades[1].said
    fresh = doc.one("--no-cache")
    assert fresh.checks == first.checks and "regraded" not in fresh.said
    last = grades[-1]
    assert last.command.line.endswith("--also json=grades.json") and last.checks == 0
    assert f"regraded 0 of {first.checks} checks" in last.said
    # the reports are those of a full run, byte for byte
    assert last.file("grades.json") == doc.one("--format json --output grades.json",
                                               section=8).file("grades.json")
