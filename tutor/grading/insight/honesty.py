"""Honesty signals, found at grade time on the trusted side, for the instructor's eyes only.

Three things worth a human look, found by reading the submitted source with `ast` (never by
running it), before any student code runs:

* **identical code**: two or more submissions whose file for an exercise is the same program once
  comments, docstrings, type annotations and the names they chose are taken away (every name the
  file binds is renamed in order of first use; names it does not bind, such as `len` or
  `np.sqrt`'s attribute, stay). Renaming `m_hat` to `mh` or re-wording a comment changes nothing;
* **the shipped solution**: a file that is that same program as `solutions/<id>.py`;
* **reaching for the course**: a file that imports `tutor`/`dltutor` or names the course's files
  (`solutions/`, `exercises/`, `check.py`, `progress.db`, a `DLTUTOR_*` variable ...) in a string.

Short programs converge by chance (`return x * x` is everyone's `square`), so clusters and
solution matches need at least `MIN_NODES` syntax nodes; the untouched starter never counts. A
signal is a reason to read code, not a verdict."""

from __future__ import annotations

import ast
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grading.insight.signals import KINDS, HonestySignal

if TYPE_CHECKING:
    from tutor.grading.batch import Submission
    from tutor.grading.sets import GradeItem

#: programs smaller than this (after normalisation) are too often the same by chance
MIN_NODES = 40
MAX_FILES = 200  #: .py files scanned per submission for course access
COURSE_MODULES = frozenset({"tutor", "dltutor"})
COURSE_DIRS = frozenset({"exercises", "solutions", "mistakes", "_content", "lessons"})
COURSE_FILES = frozenset({"check.py", "drive.py", "progress.db", "exercise.toml"})
_SEPARATORS = re.compile(r"[\\/]")


# -- normalisation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    digest: str  #: SHA-256 of the normalised syntax tree's dump
    nodes: int  #: its size, in syntax nodes


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the file itself binds: definitions, arguments, assignments, imports."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.Import):
            bound.update(a.asname or a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            bound.update(a.asname or a.name for a in node.names if a.name != "*")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name:
                bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return bound


def _is_string_statement(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


class _Canonical(ast.NodeTransformer):
    """Rename bound names in order of first use; drop docstrings, bare strings, annotations."""

    def __init__(self, bound: set[str]) -> None:
        self.bound = bound
        self.names: dict[str, str] = {}

    def rename(self, name: str) -> str:
        if name not in self.bound:
            return name
        return self.names.setdefault(name, f"_{len(self.names)}")

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, field, [s for s in block if not _is_string_statement(s)])
        super().generic_visit(node)
        block = getattr(node, "body", None)
        if isinstance(block, list) and not block and not isinstance(node, ast.Module):
            node.body = [ast.Pass()]  # type: ignore[attr-defined]
        return node

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        node.name = self.rename(node.name)
        node.returns = None
        return self.generic_visit(node)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.name = self.rename(node.name)
        return self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self.rename(node.arg)
        node.annotation = None
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self.rename(node.id)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:  # `x: int` alone binds nothing at run time
            return None
        return self.visit(ast.Assign(targets=[node.target], value=node.value))

    def visit_Import(self, node: ast.Import) -> ast.AST:
        for alias in node.names:
            alias.asname = self.rename(alias.asname or alias.name.split(".")[0])
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        if node.module == "__future__":
            return None
        for alias in node.names:
            if alias.name != "*":
                alias.asname = self.rename(alias.asname or alias.name)
        return node

    def _names(self, node: ast.Global | ast.Nonlocal) -> ast.AST:
        node.names = [self.rename(n) for n in node.names]
        return node

    visit_Global = _names
    visit_Nonlocal = _names

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.name:
            node.name = self.rename(node.name)
        return self.generic_visit(node)


def normalise(source: str) -> Normalised | None:
    """The program with its author's choices taken away; None when it does not parse."""
    try:
        tree = ast.parse(source)
        canonical = _Canonical(_bound_names(tree)).visit(tree)
        dump = ast.dump(canonical, annotate_fields=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    nodes = sum(1 for _ in ast.walk(canonical))
    return Normalised(hashlib.sha256(dump.encode("utf-8")).hexdigest(), nodes)


# -- reaching for the course ----------------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                found.update(id(s.value) for s in block if _is_string_statement(s))
    return found


def _named_in(text: str) -> str | None:
    """What of the course a string names, from our own vocabulary (never the string itself)."""
    if text.startswith("DLTUTOR_"):
        return "a DLTUTOR_* environment variable"
    if text.split(".")[0] in COURSE_MODULES:
        return f"the module {text.split('.')[0]}"
    if len(text) > 4096:
        return None
    parts = [p for p in _SEPARATORS.split(text) if p]
    for part in parts:
        if part in COURSE_FILES:
            return part
    for part in parts:
        if part in COURSE_DIRS:
            return f"{part}/"
    return None


def course_access(source: str) -> tuple[str, ...]:
    """Sentences naming each way the file reaches for the course, with its line."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    skip = _docstrings(tree)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in COURSE_MODULES:
                    found.setdefault(f"imports {alias.name.split('.')[0]}", line)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] in COURSE_MODULES:
            found.setdefault(f"imports from {node.module.split('.')[0]}", line)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in skip:
            what = _named_in(node.value)
            if what is not None:
                found.setdefault(f"names {what}", line)
    return tuple(f"line {line}: {text}" if line else text
                 for text, line in sorted(found.items(), key=lambda item: (item[1], item[0])))


# -- the whole batch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One readable .py file of a submission."""

    submission: str
    exercise: str  #: the exercise it is graded as ("" for any other file)
    file: str  #: relative to the submission folder
    source: str


def signals(files: Iterable[SourceFile], solutions: dict[str, str],
            starters: dict[str, str]) -> tuple[HonestySignal, ...]:
    """Every honesty signal among `files`; `solutions` and `starters` map an exercise id to
    the shipped solution's and the starter's source."""
    files = list(files)
    solution = {k: normalise(v) for k, v in solutions.items()}
    starter = {k: n.digest for k, v in starters.items() if (n := normalise(v)) is not None}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    sizes: dict[tuple[str, str], int] = {}
    found: list[HonestySignal] = []
    for f in files:
        for sentence in course_access(f.source):
            found.append(HonestySignal("course_access", f.exercise, (f.submission,),
                                       sentence, f.file))
        if not f.exercise:
            continue
        norm = normalise(f.source)
        if norm is None or norm.nodes < MIN_NODES or norm.digest == starter.get(f.exercise):
            continue
        groups[(f.exercise, norm.digest)].append(f.submission)
        sizes[(f.exercise, norm.digest)] = norm.nodes
    for (exercise, digest), names in groups.items():
        members = tuple(sorted(set(names)))
        shipped = solution.get(exercise)
        is_solution = shipped is not None and shipped.digest == digest
        size = f"{sizes[(exercise, digest)]} syntax nodes"
        if is_solution:
            found.append(HonestySignal(
                "solution", exercise, members,
                f"{exercise}.py is the shipped solution once names, comments and docstrings "
                f"are set aside ({size})"))
        if len(members) >= 2:
            found.append(HonestySignal(
                "identical", exercise, members,
                f"{len(members)} submissions hand in the same {exercise}.py once names, "
                f"comments and docstrings are set aside ({size}"
                + ("; it is the shipped solution)" if is_solution else ")")))
    order = list(KINDS)
    return tuple(sorted(found, key=lambda s: (order.index(s.kind), s.exercise,
                                              s.submissions, s.file, s.detail)))


def _read(path: Path, folder: Path) -> str | None:
    from tutor.grading.submission import SubmissionError, read_submission

    try:  # the grader's own safe read: no symlink out of the folder, no FIFO, size-capped
        return read_submission(path, folder).decode("utf-8", "replace")
    except SubmissionError:
        return None


def _text(path: Path | None) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path is not None else None
    except OSError:
        return None


def scan_batch(submissions: Sequence[Submission],
               items: Sequence[GradeItem]) -> tuple[HonestySignal, ...]:
    """The honesty signals of a batch, read from the submission folders as they are now (call it
    before any student code runs)."""
    from tutor.grading.batch import find_file, python_files

    solutions = {i.id: t for i in items if (t := _text(i.exercise.solution_path)) is not None}
    starters = {i.id: t for i in items if (t := _text(i.exercise.starter_path)) is not None}
    files: list[SourceFile] = []
    for sub in submissions:
        found = python_files(sub.path)
        graded = {}
        for item in items:
            path, _ = find_file(sub.path, item.exercise.filename, found)
            if path is not None:
                graded[path] = item.id
        for path in [*graded, *(p for p in found[:MAX_FILES] if p not in graded)]:
            source = _read(path, sub.path)
            if source is not None:
                files.append(SourceFile(sub.name, graded.get(path, ""),
                                        str(path.relative_to(sub.path)), source))
    return signals(files, solutions, starters)
