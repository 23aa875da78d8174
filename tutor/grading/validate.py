"""Prove an exercise is sound: the solution passes, the starter fails, every known mistake fails
and is named, the references are finite, the metadata is complete.

Used by `dltutor validate`, the content tests and the exercise authors' loop. Grading with a
secret seed (`dltutor grade --seed`) runs the hidden cases of a seed nobody has tried, so the
solution and the references are also proved on the hidden cases of a second seed (`ALT_SEED`,
or the seed given).

The trust boundary is checked statically (by reading the files, never importing them): check.py
(cases, reference) runs only on the trusted side, and drive.py is the one exercise file the
learner's jailed process imports, so drive.py must hold no reference or cases and load neither
check.py nor a mistake file, and a `drive` left in check.py is reported (the engine ignores it)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.course.model import Exercise
from tutor.grading.client import Grader
from tutor.grading.results import Verdict

MIN_HINTS = 2
MIN_MISTAKES = 3
MIN_STATEMENT_CHARS = 80
ALT_SEED = 20240611  #: a stand-in for an instructor's secret seed
SCAFFOLD_MARKER = "dltutor-scaffold"  #: left in files `dltutor new` wrote and nobody edited yet


@dataclass(frozen=True)
class ExerciseValidation:
    exercise: str
    problems: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  #: worth a look, never a failure (e.g. scaffold text left in)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "ok": self.ok, "problems": list(self.problems),
                "notes": list(self.notes), "facts": self.facts}


def _defines(path: Path, function: str) -> str | None:
    """None when `path` parses and defines `function`, else what is wrong."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        return f"has a syntax error: {exc}"
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read: {exc}"
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return None if function in names else f"does not define {function}()"


JAILED = ("drive.py is imported by the learner's jailed process: it must hold no reference or "
          "cases")
#: a string in drive.py that names check.py or a mistake file (a path, a module, a sibling stem)
_TRUSTED_FILE = re.compile(r"(^|[/\\.])check(\.py)?$|(^|[/\\.])mistakes([/\\.]|$)")


def _parse(path: Path) -> tuple[ast.Module | None, str | None]:
    """The module's syntax tree, or None and what is wrong."""
    try:
        return ast.parse(path.read_text(encoding="utf-8")), None
    except SyntaxError as exc:
        return None, f"has a syntax error: {exc}"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read: {exc}"


def _top_level_names(tree: ast.Module) -> dict[str, str]:
    """Names the module binds at top level, each with what binds it (def, class, =, import)."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.setdefault(node.name, "def")
        elif isinstance(node, ast.ClassDef):
            names.setdefault(node.name, "class")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        kind = "lambda" if isinstance(node.value, ast.Lambda) else "="
                        names.setdefault(leaf.id, kind)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.setdefault((alias.asname or alias.name).split(".")[0], "import")
    return names


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def _trusted_loads(tree: ast.Module) -> list[str]:
    """What in drive.py imports or loads check.py or a mistake file: `import check`, `from
    mistakes.x import f`, `load_sibling(__file__, "check")`, a path such as "check.py"."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules = [base] + [f"{base}.{alias.name}".lstrip(".") for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if "check" in parts or "mistakes" in parts:
                found.append(f"imports {module!r} (line {node.lineno})")
                break
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in docstrings and _TRUSTED_FILE.search(node.value.strip()):
            found.append(f"names {node.value!r} (line {node.lineno})")
    return found


def driver_problems(exercise: Exercise) -> list[str]:
    """The trust boundary between check.py (trusted only) and drive.py (imported by the jailed
    child as well), read statically: nothing here imports either file."""
    problems = []
    if exercise.check_path.is_file():
        tree, _ = _parse(exercise.check_path)  # a broken check.py is reported by the audit
        kind = _top_level_names(tree).get("drive") if tree is not None else None
        if kind in ("def", "lambda"):
            problems.append("check.py defines drive(): move it to drive.py: the engine no longer "
                            "calls check.py's drive")
    driver = exercise.driver_path
    if driver is None:
        return problems
    tree, why = _parse(driver)
    if tree is None:
        return [*problems, f"drive.py {why}"]
    names = _top_level_names(tree)
    leaked = [n for n in ("reference", "cases") if n in names]
    if leaked:
        problems.append(f"drive.py defines {' and '.join(leaked)}: {JAILED}")
    loads = _trusted_loads(tree)
    if loads:
        problems.append(f"drive.py loads check.py or a mistake file ({'; '.join(loads)}): "
                        f"{JAILED}")
    if names.get("drive") in (None, "class"):
        problems.append("drive.py does not define drive(fn, **inputs): the learner's process "
                        "calls it on every case (delete drive.py to call fn(**inputs) instead)")
    return problems


def metadata_problems(exercise: Exercise, *, strict_counts: bool = True) -> list[str]:
    problems = []
    if len(exercise.hints) < MIN_HINTS:
        problems.append(f"has {len(exercise.hints)} hints; at least {MIN_HINTS} are needed "
                        "(a nudge, then a near-answer)")
    if strict_counts and len(exercise.mistakes) < MIN_MISTAKES:
        problems.append(f"declares {len(exercise.mistakes)} known mistakes; at least "
                        f"{MIN_MISTAKES} are needed")
    declared = {m.id for m in exercise.mistakes}
    for mistake in exercise.mistakes:
        if not mistake.path.is_file():
            problems.append(f"mistake {mistake.id!r} has no file {mistake.path}")
        elif (why := _defines(mistake.path, exercise.function)) is not None:
            problems.append(f"mistakes/{mistake.id}.py {why}")
    mistakes_dir = exercise.directory / "mistakes"
    if mistakes_dir.is_dir():
        for stray in sorted(mistakes_dir.glob("*.py")):
            if stray.stem not in declared and not stray.stem.startswith("_"):
                problems.append(f"mistakes/{stray.name} has no [[mistakes]] entry with id "
                                f"{stray.stem!r} in exercise.toml (add one with a diagnosis)")
    if exercise.solution_path is None:
        problems.append(f"has no solution (solutions/{exercise.id}.py)")
    elif (why := _defines(exercise.solution_path, exercise.function)) is not None:
        problems.append(f"solutions/{exercise.id}.py {why}")
    statement = exercise.statement_path.read_text(encoding="utf-8") if \
        exercise.statement_path.is_file() else ""
    if len(statement.strip()) < MIN_STATEMENT_CHARS:
        problems.append("README.md (the task statement) is missing or too short")
    if not exercise.summary:
        problems.append("exercise.toml has no summary (one line shown in lists)")
    if exercise.points <= 0:
        problems.append(f"points must be positive (got {exercise.points:g})")
    if exercise.timeout <= 0:
        problems.append(f"timeout must be positive (got {exercise.timeout:g})")
    starter = exercise.starter_path.read_text(encoding="utf-8")
    if (why := _defines(exercise.starter_path, exercise.function)) is not None:
        problems.append(f"starter.py {why}")
    if "NotImplementedError" not in starter:
        problems.append("starter.py should raise NotImplementedError until done")
    problems += driver_problems(exercise)
    return problems


def scaffold_notes(exercise: Exercise) -> list[str]:
    """Files `dltutor new` wrote that still hold its example: valid, but not yet yours."""
    paths = [exercise.toml_path, exercise.statement_path, exercise.starter_path,
             exercise.check_path, *(m.path for m in exercise.mistakes)]
    if exercise.driver_path:
        paths.append(exercise.driver_path)
    if exercise.solution_path:
        paths.append(exercise.solution_path)
    left = [p for p in paths if p.is_file() and SCAFFOLD_MARKER in p.read_text(encoding="utf-8")]
    return [(f"{len(left)} file(s) still hold the example `dltutor new` wrote: replace it, then "
            f"delete the '{SCAFFOLD_MARKER}' lines")] if left else []


def _audit_problems(audit: dict[str, Any], label: str) -> list[str]:
    problems = []
    for kind in ("public", "hidden"):
        if audit[kind]["cases"] == 0:
            problems.append(f"cases() returned no {kind} cases{label}")
        if audit[kind]["nonfinite_references"]:
            problems.append(f"the reference is NaN/inf on {kind} case(s) "
                            f"{audit[kind]['nonfinite_references']}{label}: fix the case "
                            "generator")
    return problems


def validate_exercise(grader: Grader, exercise: Exercise, *, seed: int | None = None,
                      strict_counts: bool = True) -> ExerciseValidation:
    problems = metadata_problems(exercise, strict_counts=strict_counts)
    notes = scaffold_notes(exercise)
    facts: dict[str, Any] = {"mistakes": len(exercise.mistakes), "hints": len(exercise.hints)}
    alt_seed = ALT_SEED if seed is None else seed
    try:
        audit = grader.audit(exercise, seed)
        alt_audit = audit if alt_seed == seed else grader.audit(exercise, alt_seed)
    except Exception as exc:  # noqa: BLE001 - a broken check.py is a finding, not a crash
        return ExerciseValidation(exercise.id, (*problems, f"check.py failed: {exc}"), facts,
                                  tuple(notes))
    facts["cases"] = audit["public"]["cases"]
    facts["hidden_cases"] = audit["hidden"]["cases"]
    problems += _audit_problems(audit, "")
    if alt_audit is not audit:
        problems += _audit_problems(alt_audit, f" with seed {alt_seed}")
    if driver_problems(exercise):  # every run below goes through the driver: it would only echo
        notes.append("the solution, the starter and the known mistakes were not run: fix the "
                     "drive problems first")
        return ExerciseValidation(exercise.id, tuple(problems), facts, tuple(notes))
    if exercise.solution_path:
        result = grader.check(exercise, exercise.solution_path, seed=seed)
        facts["solution_ms"] = round(result.duration_ms, 1)
        if result.verdict is not Verdict.PASS:
            problems.append(f"the solution does not pass: {result.message}")
        for hidden_seed in dict.fromkeys((seed, alt_seed)):
            hidden = grader.check(exercise, exercise.solution_path, seed=hidden_seed,
                                  hidden=True)
            if hidden.verdict is not Verdict.PASS:
                which = "" if hidden_seed is None else f" with seed {hidden_seed}"
                problems.append(f"the solution does not pass the hidden cases{which}: "
                                f"{hidden.message}")
    starter = grader.check(exercise, exercise.starter_path, seed=seed)
    if starter.verdict is Verdict.PASS:
        problems.append("the starter passes the check: the cases are too weak")
    for mistake in exercise.mistakes:
        if not mistake.path.is_file():
            continue
        result = grader.check(exercise, mistake.path, seed=seed)
        if result.verdict is Verdict.PASS:
            problems.append(f"mistake {mistake.id!r} passes the check: add a case that shows it")
        elif result.mistake != mistake.id:
            named = f"named {result.mistake!r}" if result.mistake else "not recognised"
            problems.append(f"mistake {mistake.id!r} fails ({result.verdict}) but is {named}")
        hidden = grader.check(exercise, mistake.path, seed=alt_seed, hidden=True)
        if hidden.verdict is Verdict.PASS:
            problems.append(f"mistake {mistake.id!r} passes the hidden cases with seed "
                            f"{alt_seed}: the hidden cases must show it too")
    return ExerciseValidation(exercise.id, tuple(problems), facts, tuple(notes))
