"""Exercises that build on earlier ones (`requires` in exercise.toml): graded on their own, and
tried with the learner's own earlier functions as feedback.

A learner's mlp_backward may `from relu_backward import relu_backward`, as it would beside their
other workspace files when they run it themselves. Grading it takes at most two jailed runs:

* **solo** (the verdict and the score): the prerequisites are the course's reference solutions,
  so an exercise is graded on its own and a bug in relu_backward never costs mlp_backward
  points. They cross into the child as code objects compiled here and marshalled, never as
  source: the jail already hides `solutions/`, and with no source text in the child
  `inspect.getsource` has nothing to print. (Bytecode can still be disassembled; it holds no
  comment and is an exercise the learner met earlier.) Where a prerequisite has no reference
  solution (an exported autograder ships none), the learner's own file stands in, and the
  report says so. A file that mentions no prerequisite gets none: no extra cost.
* **chained** (feedback, `ChainReport`): only when the solo run *passed* and the file imports a
  prerequisite. Why only then: when the solo run fails, the bug is in this exercise (its
  prerequisites were the reference ones), and that is what the report must be about; a second
  run would slow every failing save in watch mode to report two bugs at once. Once it passes,
  one question is left: does the learner's whole chain work? The prerequisites are then their
  own files beside the submission, read here like the submission (`read_submission`, confined
  to the submission's folder in batch grading); a missing or unparsable one is replaced by the
  reference, and the report says which. The child records every call into them (inputs before
  the call, the output after; capped, see `child._recorded`).

When the chained run fails, the recorded calls of the failing cases are **replayed** on the
reference prerequisites — in a jailed child too, since the inputs are the learner's code's
choice and no trusted code runs on them outside the jail — and the first call whose output
disagrees (or that changed its input in place) names the culprit: which function, called from
which line of the learner's file, on which case, with which inputs, and what differs. On hidden
cases the report keeps to what `redact` allows: the function, the case number, the property
that differs and a line of the learner's own functions; no input, value or shape.

Headless, no torch; numpy only through `codec` and `compare`."""

from __future__ import annotations

import ast
import marshal
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from tutor.course.model import Exercise
from tutor.grading import redact
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.protocol import ModuleSpec, SandboxRequest, SandboxResult, Status
from tutor.grading.results import ChainReport, Culprit, PrerequisiteUse
from tutor.grading.submission import SubmissionError, read_submission


@dataclass(frozen=True)
class Prerequisite:
    """One exercise another builds on, resolved beside it (its folder, its solution)."""

    id: str
    function: str
    solution: Path | None  #: the reference solution, when the course or pack ships one
    exercise: Exercise | None = None  #: None when its folder is not beside (a copied exercise)

    @property
    def rtol(self) -> float:
        return self.exercise.rtol if self.exercise else 1e-9

    @property
    def atol(self) -> float:
        return self.exercise.atol if self.exercise else 0.0


# -- resolving ------------------------------------------------------------------------------

_SIBLINGS: dict[str, tuple[int, Exercise | None]] = {}  #: toml path -> (mtime, exercise)
_CODE: dict[str, tuple[int, bytes]] = {}  #: solution path -> (mtime, marshalled code)


def solutions_dir(exercise: Exercise) -> Path:
    if exercise.solution_path is not None:
        return exercise.solution_path.parent
    return exercise.directory.parent.parent / "solutions"


def _sibling(exercise: Exercise, solutions: Path, ex_id: str) -> Exercise | None:
    """The exercise `ex_id` of the same course or pack: beside this one, or beside its
    solutions (a copy of an exercise made elsewhere, as `validate --mutants` makes)."""
    from tutor.course.loader import ContentError, load_exercise

    for folder in (exercise.directory.parent / ex_id, solutions.parent / "exercises" / ex_id):
        toml = folder / "exercise.toml"
        try:
            mtime = toml.stat().st_mtime_ns
        except OSError:
            continue
        cached = _SIBLINGS.get(str(toml))
        if cached is None or cached[0] != mtime:
            try:
                loaded: Exercise | None = load_exercise(folder, solutions, exercise.pack)
            except ContentError:
                loaded = None
            cached = _SIBLINGS[str(toml)] = (mtime, loaded)
        return cached[1]
    return None


def prerequisites(exercise: Exercise) -> tuple[Prerequisite, ...]:
    """Every exercise `exercise` requires, directly or through another, dependencies first (so
    the child can install them in order). Cycles and unknown ids are `validate`'s to report:
    here they are skipped."""
    if not exercise.requires:
        return ()
    solutions = solutions_dir(exercise)
    order: list[Prerequisite] = []
    seen = {exercise.id}

    def visit(requires: tuple[str, ...]) -> None:
        for req in requires:
            if req in seen:
                continue
            seen.add(req)
            sibling = _sibling(exercise, solutions, req)
            visit(sibling.requires if sibling else ())
            solution = solutions / f"{req}.py"
            order.append(Prerequisite(req, sibling.function if sibling else req,
                                      solution if solution.is_file() else None, sibling))

    visit(exercise.requires)
    return tuple(order)


def mentioned(source: bytes, prereqs: tuple[Prerequisite, ...]) -> bool:
    """Whether the file names a prerequisite at all (a cheap superset of importing one): only
    then does the solo run carry the prerequisite modules."""
    return any(p.id.encode() in source for p in prereqs)


def imported(text: str, prereqs: tuple[Prerequisite, ...]) -> tuple[str, ...]:
    """The prerequisites the file imports (`import relu_backward`, `from relu_backward import
    ...`), by our own parse; none when it does not parse."""
    ids = {p.id for p in prereqs}
    if len(text) > redact.MAX_SOURCE_CHARS:
        return ()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return ()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return tuple(p.id for p in prereqs if p.id in found & ids)


def reference_module(prereq: Prerequisite) -> ModuleSpec | None:
    """The reference solution as a marshalled code object (cached until the file changes).
    Its file name is a label, not a path: no traceback or `inspect` call can find the file."""
    if prereq.solution is None:
        return None
    path = str(prereq.solution)
    mtime = os.stat(path).st_mtime_ns
    cached = _CODE.get(path)
    if cached is None or cached[0] != mtime:
        code = compile(Path(path).read_bytes(), f"<reference {prereq.id}>", "exec",
                       dont_inherit=True)
        cached = _CODE[path] = (mtime, marshal.dumps(code))
    return ModuleSpec(prereq.id, prereq.function, code=cached[1])


def _own_file(prereq: Prerequisite, folder: Path, confine: Path | None
              ) -> tuple[ModuleSpec | None, str]:
    """The learner's own `<id>.py` beside the submission (read like the submission itself), or
    None and why it cannot be used."""
    path = folder / f"{prereq.id}.py"
    name = path.name
    if not os.path.lexists(path):
        return None, f"no {name} beside your file"
    try:
        source = read_submission(path, confine)
    except SubmissionError as exc:
        return None, str(exc)
    try:
        if len(source) <= redact.MAX_SOURCE_CHARS:
            compile(source, name, "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
    except SyntaxError as exc:
        return None, f"{name} does not parse (line {exc.lineno})"
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return None, f"{name} does not parse"
    return ModuleSpec(prereq.id, prereq.function, source=source, filename=str(path)), ""


def solo_modules(prereqs: tuple[Prerequisite, ...], folder: Path, confine: Path | None
                 ) -> tuple[tuple[ModuleSpec, ...], tuple[PrerequisiteUse, ...]]:
    """The graded run's prerequisites: the references; the learner's own where there is none."""
    modules, uses = [], []
    for prereq in prereqs:
        spec = reference_module(prereq)
        if spec is not None:
            modules.append(spec)
            uses.append(PrerequisiteUse(prereq.id, False))
            continue
        spec, why = _own_file(prereq, folder, confine)
        if spec is not None:
            modules.append(spec)
        uses.append(PrerequisiteUse(prereq.id, spec is not None,
                                    "this course ships no reference solution of it"
                                    + ("" if spec is not None else f", and {why}")))
    return tuple(modules), tuple(uses)


def chained_modules(prereqs: tuple[Prerequisite, ...], folder: Path, confine: Path | None
                    ) -> tuple[tuple[ModuleSpec, ...], tuple[PrerequisiteUse, ...]]:
    """The chained run's prerequisites: the learner's own; the reference where theirs cannot be
    used (and why)."""
    modules, uses = [], []
    for prereq in prereqs:
        spec, why = _own_file(prereq, folder, confine)
        if spec is None:
            spec = reference_module(prereq)
            why = why if spec is not None else f"{why}, and there is no reference solution"
        if spec is not None:
            modules.append(spec)
        uses.append(PrerequisiteUse(prereq.id, bool(spec and spec.source), why))
    return tuple(modules), tuple(uses)


def sibling_files(exercise: Exercise, folder: Path) -> list[Path]:
    """The learner's prerequisite files a check of `exercise` in `folder` may read (a Dask task
    carries them)."""
    return [folder / f"{p.id}.py" for p in prerequisites(exercise)]


def inputs_digest(exercise: Exercise, folder: Path, confine: Path | None) -> str:
    """SHA-256 of what a check's result depends on beyond the exercise and the file, for an
    exercise with prerequisites: each one's reference solution and the learner's own file
    beside the submission (the regrade cache's key). "" for an exercise without any."""
    import hashlib

    prereqs = prerequisites(exercise)
    if not prereqs:
        return ""
    digest = hashlib.sha256()
    for prereq in prereqs:
        digest.update(prereq.id.encode() + b"\0" + prereq.function.encode() + b"\0")
        try:
            reference = prereq.solution.read_bytes() if prereq.solution else b"-"
        except OSError:
            reference = b"!"
        try:
            own = read_submission(folder / f"{prereq.id}.py", confine)
        except SubmissionError as exc:
            own = f"!{exc}".encode()
        for data in (reference, own):
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


# -- the chained run and its report ----------------------------------------------------------

Outcomes = Callable[[list[PreparedCase], SandboxResult], list[CaseOutcome]]


@dataclass(frozen=True)
class ChainContext:
    """What the checker knows of the check the chain report is for."""

    exercise: Exercise
    request: SandboxRequest  #: the solo run's request
    prereqs: tuple[Prerequisite, ...]
    cases: list[PreparedCase]
    folder: Path  #: the submission's folder: the learner's prerequisite files are read there
    confine: Path | None
    hidden: bool
    source: str  #: the submitted file as the grader read it


def _names(ids: list[str]) -> str:
    return ", ".join(ids)


def report(ctx: ChainContext, solo_passed: bool, solo_uses: tuple[PrerequisiteUse, ...],
           run: Callable[[SandboxRequest], SandboxResult], outcomes: Outcomes
           ) -> ChainReport | None:
    """The chain report of a check, running the chained run (and a replay) when it is due; None
    when the file imports no prerequisite."""
    wanted = imported(ctx.source, ctx.prereqs)
    if not wanted:
        return None
    if not solo_passed:
        refs = [u.id for u in solo_uses if not u.mine and not u.note]
        return ChainReport("waiting", (
            f"Graded with the reference {_names(refs)}; " if refs else "Graded; ") + (
            f"your own are tried once {ctx.exercise.id} passes."), solo_uses, hidden=ctx.hidden)
    modules, uses = chained_modules(ctx.prereqs, ctx.folder, ctx.confine)
    mine = [u.id for u in uses if u.mine]
    if not mine:
        return ChainReport("references", "Passes with the reference " + _names(list(wanted)) +
                           "; yours could not be used (" +
                           "; ".join(u.note for u in uses if u.note) + ").", uses,
                           hidden=ctx.hidden)
    request = replace(ctx.request, prerequisites=modules, record=True)
    from tutor.grading.sandbox import SandboxLost

    try:
        result = run(request)
    except SandboxLost:
        result = SandboxResult.lost()
    got = outcomes(ctx.cases, result) if result.status not in (Status.JAIL, Status.DRIVER) \
        else []
    total = len(ctx.cases)
    passed = sum(o.status == "pass" for o in got)
    with_yours = f"with your own {_names(mine)}"
    stand_ins = [u for u in uses if not u.mine and u.note]
    tail = (" (The reference was used for " + "; ".join(f"{u.id}: {u.note}" for u in stand_ins)
            + ".)") if stand_ins else ""
    kind = "hidden cases" if ctx.hidden else "cases"
    if got and passed == total:
        return ChainReport("passed", f"Also passes {with_yours} ({passed}/{total} {kind}).{tail}",
                           uses, "pass", passed, total, hidden=ctx.hidden)
    verdict = next((o.status for o in got if o.status != "pass"), "error")
    from tutor.grading.culprit import find_culprit

    culprit = find_culprit(ctx, result, got, request, run, outcomes)
    head = f"Fails {with_yours} ({passed}/{total} {kind})."
    blame = _blame(ctx, culprit) if culprit is not None else _unexplained(ctx, got)
    return ChainReport("failed", f"{head} {blame}{tail}", uses, verdict, passed, total, culprit,
                       hidden=ctx.hidden)


def _unexplained(ctx: ChainContext, got: list[CaseOutcome]) -> str:
    """A chained run that failed with no call to blame: its first failure, in the words of the
    report (hidden cases: `redact`'s), and what that leaves."""
    first = next((i for i, o in enumerate(got) if o.status != "pass"), None)
    if first is None:
        return "The chained run could not be run."
    outcome = got[first]
    problem = redact.hidden_problem(outcome, ctx.cases[first], ctx.source) if ctx.hidden \
        else outcome.problem
    said = f"First failure: {'hidden ' if ctx.hidden else ''}case {first + 1}: {problem}"
    said += "" if said.endswith((".", "?", "!")) else "."
    if outcome.status != "fail":
        return said
    return (f"{said} Every recorded call to your prerequisites returned what the reference "
            f"returns on the same inputs: {ctx.exercise.id} relies on something else of them "
            "(a value they return that you then change in place? a global?).")


def _blame(ctx: ChainContext, culprit: Culprit) -> str:
    fix = f"Fix {culprit.function} first: `dltutor check {culprit.function}`."
    if not culprit.call:  # it did not import
        return f"Your {culprit.function}.py {culprit.problem}. {fix}"
    where = f" (line {culprit.line})" if culprit.line else ""
    caller = f", called from {culprit.caller}{where}" if culprit.caller else \
        (f", called from line {culprit.line}" if culprit.line else "")
    case = f"{'hidden ' if ctx.hidden else ''}case {culprit.case_index + 1}"
    case += f" ({culprit.label})" if culprit.label else ""
    return f"Your {culprit.function}{caller} on {case}, {culprit.problem}. {fix}"


# -- trusted code that imports a prerequisite ------------------------------------------------

@contextmanager
def trusted_prerequisites(exercise: Exercise | None) -> Iterator[None]:
    """While it lasts, the reference prerequisites of `exercise` are importable by id in this
    (trusted) process, so a solution or a known-mistake file that imports one loads here too
    (`Checker.mistake_outputs`, the mutant battery). Names it added are removed afterwards."""
    import sys

    from tutor.grading.trusted import load_trusted

    added: list[str] = []
    try:
        for prereq in prerequisites(exercise) if exercise is not None else ():
            if prereq.solution is None or prereq.id in sys.modules:
                continue
            sys.modules[prereq.id] = load_trusted(prereq.solution)
            added.append(prereq.id)
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)
