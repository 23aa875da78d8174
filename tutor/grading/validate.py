"""Prove an exercise is sound: the solution passes, the starter fails, every known mistake fails
and is named, the references are finite, the metadata is complete.

Used by `dltutor validate`, the content tests and the exercise authors' loop. Grading with a
secret seed (`dltutor grade --seed`) runs the hidden cases of a seed nobody has tried, so the
solution and the references are also proved on the hidden cases of a second seed (`ALT_SEED`,
or the seed given).

The trust boundary is checked statically (by reading the files, never importing them): check.py
(cases, reference) runs only on the trusted side, and drive.py is the one exercise file the
learner's jailed process imports, so drive.py must hold no reference or cases and load neither
check.py nor a mistake file, and a `drive` left in check.py is reported (the engine ignores it).

Two more proofs look at check.py from outside the worker (whose cases are cached per seed):
`CaseStability` runs each `cases()` twice in each of two fresh processes, so a generator that
draws from anything but its `rng` (np.random, torch.randn, time, set order) is caught, and so
are hidden cases that stay the same when the seed changes.

`mutation_test` (`dltutor validate --mutants`) grades mutants of the solution (`mutants.py`)
on the public cases: one that passes is wrong code the check lets through, unless a wide battery
(the hidden cases of many seeds, and the cases with their float inputs scaled far up and down)
finds no difference from the reference either, in which case it is *equivalent* and not
counted."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tutor.course.model import Exercise
from tutor.grading.client import Grader, _source_root, worker_environment
from tutor.grading.mutants import KINDS, make_mutants
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
    problems += requires_problems(exercise)
    return problems


def requires_problems(exercise: Exercise) -> list[str]:
    """`requires` names exercises beside this one (its pack, or the course), none of which
    leads back to it: an unknown id would make the learner's import fail, a cycle leaves no
    order to solve them in."""
    if not exercise.requires:
        return []
    from tutor.course.loader import ContentError, cycle_problem, find_cycle, load_exercise

    root, problems = exercise.directory.parent, []
    solutions = exercise.solution_path.parent if exercise.solution_path \
        else root.parent / "solutions"
    found: dict[str, Exercise] = {exercise.id: exercise}
    queue = list(exercise.requires)
    while queue:
        ex_id = queue.pop(0)
        if ex_id in found:
            continue
        if not (root / ex_id / "exercise.toml").is_file():
            if ex_id in exercise.requires:
                problems.append(f"requires {ex_id!r}, which is not an exercise of this course or "
                                f"pack (no {ex_id}/exercise.toml beside {exercise.id}/)")
            continue
        try:
            found[ex_id] = load_exercise(root / ex_id, solutions, exercise.pack)
        except ContentError:
            continue  # its own validation says why
        queue.extend(found[ex_id].requires)
    cycle = find_cycle(exercise.id, found)
    if exercise.id in cycle:
        problems.append(cycle_problem(cycle[cycle.index(exercise.id):]
                                      + cycle[:cycle.index(exercise.id)], found))
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
        elif result.chain is not None and result.chain.failed:  # beside the other solutions
            problems.append(f"the solution fails with the other solutions as its "
                            f"prerequisites: {result.chain.message}")
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


def with_problems(report: ExerciseValidation, extra: list[str]) -> ExerciseValidation:
    """`report` with more problems (found outside `validate_exercise`)."""
    return replace(report, problems=(*report.problems, *extra)) if extra else report


# -- check.py's cases: the same for the same seed, different for another ---------------------

_DIGEST_BOOT = ("import sys; sys.path.append(sys.argv[1]); "
                "from tutor.grading.validate import digest_main; sys.exit(digest_main())")


def _case_digest(module: Any, exercise_id: str, seed: int | None, hidden: bool) -> str:
    """A hash of everything `cases()` returns for one seed: inputs, labels, tolerances."""
    import numpy as np

    from tutor.grading import codec
    from tutor.grading.seeds import case_seed

    digest = hashlib.sha256()
    for case in module.cases(np.random.default_rng(case_seed(exercise_id, seed)), hidden):
        digest.update(codec.encode(case.inputs))
        digest.update(repr((case.label, case.rtol, case.atol)).encode())
    return digest.hexdigest()


def digest_main() -> int:
    """The child `CaseStability` starts: reads {"seeds": [...], "exercises": [{"id", "check"}]}
    on stdin, writes {id: {"digests": {"public@seed": [d, d], ...}} or {"error": ...}} on
    stdout. Each case set is drawn twice in this process (a generator using a global random
    state differs the second time); the parent compares two such processes (a generator using
    set order or the clock differs between them)."""
    from tutor.grading.trusted import load_trusted

    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # a check.py that prints cannot corrupt the answer
    request = json.loads(sys.stdin.read())
    answer: dict[str, Any] = {}
    for item in request["exercises"]:
        try:
            module = load_trusted(item["check"])
            answer[item["id"]] = {"digests": {
                f"{'hidden' if hidden else 'public'}@{seed}":
                    [_case_digest(module, item["id"], seed, hidden) for _ in range(2)]
                for seed in request["seeds"] for hidden in (False, True)}}
        except Exception as exc:  # noqa: BLE001 - a broken check.py is the audit's to report
            answer[item["id"]] = {"error": f"{type(exc).__name__}: {exc}"}
    out.write(json.dumps(answer))
    out.close()
    return 0


class CaseStability:
    """Whether each exercise's check.py gives the same cases for the same seed (two runs in
    each of two processes) and other hidden cases for another seed. `start()` launches both
    processes at once (they import torch: a few seconds, alongside the grading); `problems()`
    waits for them."""

    def __init__(self, exercises: list[Exercise], seed: int | None = None,
                 alt_seed: int = ALT_SEED) -> None:
        self._exercises = [e for e in exercises if e.check_path.is_file()]
        self._seeds = list(dict.fromkeys((seed, alt_seed if alt_seed != seed else alt_seed + 1)))
        self._procs: list[subprocess.Popen[str]] = []

    def start(self) -> CaseStability:
        request = json.dumps({"seeds": self._seeds, "exercises": [
            {"id": e.id, "check": str(e.check_path)} for e in self._exercises]})
        for _ in range(2):
            with tempfile.TemporaryFile("w+") as stdin:  # the child keeps its own descriptor
                stdin.write(request)
                stdin.seek(0)
                self._procs.append(subprocess.Popen(
                    [sys.executable, "-I", "-B", "-c", _DIGEST_BOOT, _source_root()],
                    stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    text=True, cwd="/", env=worker_environment({})))
        return self

    def problems(self, timeout: float = 600.0) -> dict[str, list[str]]:
        if not self._procs:
            self.start()
        runs = []
        for proc in self._procs:
            try:
                stdout, _ = proc.communicate(timeout=timeout)
                runs.append(json.loads(stdout) if proc.returncode == 0 else {})
            except (subprocess.TimeoutExpired, ValueError):
                proc.kill()
                proc.communicate()
                runs.append({})
        found: dict[str, list[str]] = {}
        for exercise in self._exercises:
            answers = [run.get(exercise.id, {}).get("digests") for run in runs]
            if not all(answers):
                continue  # check.py failed to load or ran out of time: the audit reports it
            found[exercise.id] = self._judge(answers)
        return found

    def _judge(self, answers: list[dict[str, list[str]]]) -> list[str]:
        problems = []
        for key in answers[0]:
            kind, seed = key.split("@")
            runs = [d for answer in answers for d in answer[key]]
            if len(set(runs)) > 1:
                which = "the default seed" if seed == "None" else f"seed {seed}"
                problems.append(
                    f"check.py is not deterministic: two runs with {which} gave different "
                    f"{kind} cases: draw every random number from cases()' rng argument (not "
                    "np.random.*, random, torch.randn, the clock or the order of a set)")
                break
        else:
            first, second = (f"hidden@{seed}" for seed in self._seeds)
            if answers[0][first][0] == answers[0][second][0]:
                seeds = " and ".join("the default seed" if s is None else f"seed {s}"
                                     for s in self._seeds)
                problems.append(
                    f"check.py's hidden cases do not change with the seed ({seeds} gave the "
                    "same ones): draw them from cases()' rng, so that a secret seed grades on "
                    "cases nobody has seen")
        return problems


# -- mutation testing -----------------------------------------------------------------------

#: the hidden seeds of the equivalence battery (after the default hidden cases)
MUTANT_SEEDS = tuple(range(1, 13))
#: the battery also has the public and hidden cases with every float array scaled by these
MUTANT_SCALES = (1e4, 1e-4)

BATTERY_CHECK = '''"""Written by `dltutor validate --mutants`, deleted after the run: the equivalence
battery of {id} as one set of public cases (see `battery_cases`)."""

from tutor.grading.trusted import load_trusted
from tutor.grading.validate import battery_cases


def cases(rng, hidden):
    return battery_cases({check!r}, {solution!r}, {drive!r}, {function!r}, {id!r}, {seeds!r},
                         {scales!r}, {rtol!r}, {atol!r})


def reference(**inputs):
    return load_trusted({check!r}).reference(**inputs)
'''


def _scale(value: Any, factor: float) -> tuple[Any, bool]:
    """`value` with every float array in it multiplied by `factor`, and whether any was."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        return value * factor, True
    if isinstance(value, dict):
        pairs = {k: _scale(v, factor) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(c for _, c in pairs.values())
    if isinstance(value, (list, tuple)):
        items = [_scale(v, factor) for v in value]
        return type(value)(v for v, _ in items), any(c for _, c in items)
    return value, False


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in a (normalised) value, and no exception."""
    import numpy as np

    from tutor.grading.compare import Raised

    if isinstance(value, Raised):
        return False
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, (float, np.ndarray)) and not isinstance(value, bool):
        array = np.asarray(value)
        return array.dtype.kind not in "fc" or bool(np.all(np.isfinite(array)))
    return True


def battery_groups(seeds: tuple[int, ...], scales: tuple[float, ...]
                   ) -> list[tuple[str, int | None, bool, float]]:
    """(label, seed, hidden, scale) of each part of the battery, in the order it runs."""
    groups: list[tuple[str, int | None, bool, float]] = [("the hidden cases", None, True, 1.0)]
    for factor in scales:
        groups += [(f"the cases with floats ×{factor:g}", None, False, factor),
                   (f"the hidden cases with floats ×{factor:g}", None, True, factor)]
    groups += [(f"the hidden cases of seed {s}", s, True, 1.0) for s in seeds]
    return groups


def battery_cases(check: str, solution: str, drive: str | None, function: str,
                  exercise_id: str, seeds: tuple[int, ...], scales: tuple[float, ...],
                  rtol: float, atol: float) -> list[Any]:
    """The equivalence battery as one list of cases (one check per mutant instead of one per
    seed): the exercise's own hidden cases, of the default seed and of each of `seeds`, and its
    public and hidden cases with every float array scaled by each of `scales`. Each case is
    labelled with its part ("the hidden cases of seed 3: <label>") and kept only where the
    solution agrees with the reference, and for a scaled case only where the reference is
    finite and raises nothing: an input the exercise never meant, such as a probability of 1e4,
    is dropped rather than held against a mutant. Runs in the grading worker, from the check.py
    `BATTERY_CHECK` writes."""
    import numpy as np

    from tutor.grading import codec
    from tutor.grading.checker import REFERENCE_BUGS, normalise, raised
    from tutor.grading.compare import Raised, compare
    from tutor.grading.kit import Case
    from tutor.grading.seeds import case_seed
    from tutor.grading.trusted import default_drive, load_trusted

    module = load_trusted(check)
    from tutor.course.loader import load_exercise
    from tutor.grading.chain import trusted_prerequisites

    # a solution that imports a prerequisite (`from relu_backward import ...`) loads here too
    with trusted_prerequisites(load_exercise(Path(check).parent, Path(solution).parent)):
        fn = getattr(load_trusted(solution), function)
    run = load_trusted(drive).drive if drive else default_drive

    def outcome(call: Callable[..., Any], inputs: bytes) -> Any:
        try:
            return normalise(call(**codec.decode(inputs)))
        except REFERENCE_BUGS:
            raise
        except Exception as exc:  # noqa: BLE001 - "must raise", or the solution raising
            return raised(exc)

    kept = []
    for group, seed, hidden, factor in battery_groups(tuple(seeds), tuple(scales)):
        for case in module.cases(np.random.default_rng(case_seed(exercise_id, seed)), hidden):
            inputs, changed = _scale(case.inputs, factor) if factor != 1.0 else (case.inputs,
                                                                                    True)
            if not changed:
                continue
            encoded = codec.encode(inputs)
            try:
                expected = outcome(module.reference, encoded)
                got = outcome(lambda **kw: run(fn, **kw), encoded)
            except REFERENCE_BUGS:
                continue
            if not _finite(expected) and (factor != 1.0 or not isinstance(expected, Raised)):
                continue
            if compare(got, expected, rtol if case.rtol is None else case.rtol,
                       atol if case.atol is None else case.atol) is not None:
                continue
            kept.append(Case(inputs, label=f"{group}: {case.label}" if case.label else group,
                             rtol=case.rtol, atol=case.atol))
    return kept


@dataclass(frozen=True)
class MutantResult:
    line: int
    description: str
    kind: str
    status: str  #: killed | equivalent | surviving
    caught_by: str = ""  #: surviving: the first battery check that tells it from the solution

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "description": self.description, "kind": self.kind,
                "status": self.status, "caught_by": self.caught_by}


@dataclass(frozen=True)
class MutationReport:
    """What `mutation_test` found for one exercise."""

    exercise: str
    results: tuple[MutantResult, ...] = ()
    seconds: float = 0.0
    skipped: str = ""  #: why no mutant was run (no solution, the solution fails, ...)

    @property
    def made(self) -> int:
        return len(self.results)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def surviving(self) -> tuple[MutantResult, ...]:
        return tuple(r for r in self.results if r.status == "surviving")

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "made": self.made, "killed": self.count("killed"),
                "equivalent": self.count("equivalent"), "surviving": len(self.surviving),
                "seconds": round(self.seconds, 1), "skipped": self.skipped,
                "mutants": [r.to_dict() for r in self.results]}


def _limit(exercise: Exercise, solution_ms: float) -> float:
    """A mutant's time limit on the public cases: generous next to the solution's time, never
    above the exercise's (a mutant that loops forever is killed in seconds, not minutes)."""
    return min(exercise.timeout, max(2.0, 20 * solution_ms / 1000))


@dataclass(frozen=True)
class _Battery:
    exercise: Exercise  #: a copy of the exercise whose public cases are the battery
    cases: int
    timeout: float


def _battery(grader: Grader, exercise: Exercise, root: Path, seeds: tuple[int, ...],
             scales: tuple[float, ...]) -> _Battery:
    """The exercise copied under `root` with `BATTERY_CHECK` as its check.py, proved on the
    solution (which passes it by construction: a case it fails is left out)."""
    from tutor.course.loader import load_exercise

    assert exercise.solution_path is not None
    folder = root / "battery" / "exercises" / exercise.id
    shutil.copytree(exercise.directory, folder,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (folder / "check.py").write_text(BATTERY_CHECK.format(
        id=exercise.id, check=str(exercise.check_path), solution=str(exercise.solution_path),
        drive=str(exercise.driver_path) if exercise.driver_path else None,
        function=exercise.function, seeds=tuple(seeds), scales=tuple(scales),
        rtol=exercise.rtol, atol=exercise.atol), encoding="utf-8")
    copy = load_exercise(folder, exercise.solution_path.parent, exercise.pack)
    result = grader.check(copy, exercise.solution_path, timeout=600.0)
    if not result.passed:
        raise RuntimeError(f"the solution fails its own equivalence battery: {result.message}")
    return _Battery(copy, result.cases_total, max(5.0, 20 * result.duration_ms / 1000))


def mutation_test(grader: Grader, exercise: Exercise, *,
                  seeds: tuple[int, ...] = MUTANT_SEEDS,
                  scales: tuple[float, ...] = MUTANT_SCALES, kinds: tuple[str, ...] = KINDS,
                  progress: Callable[[int, int], None] | None = None) -> MutationReport:
    """Grade every mutant of the exercise's solution on its public cases; each one that passes
    them is checked on the equivalence battery (`battery_cases`): equivalent when it passes
    that too, else surviving, with the battery case that told it apart. `progress(done,
    total)` is called after each mutant."""
    start = time.monotonic()

    def skipped(why: str) -> MutationReport:
        return MutationReport(exercise.id, (), time.monotonic() - start, why)

    if exercise.solution_path is None:
        return skipped("no solution to mutate")
    if driver_problems(exercise):
        return skipped("fix the drive problems first")
    try:
        mutants = make_mutants(exercise.solution_path.read_text(encoding="utf-8"), kinds)
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
        return skipped(f"the solution cannot be read: {exc}")
    baseline = grader.check(exercise, exercise.solution_path)
    if not baseline.passed:
        return skipped("the solution does not pass")
    limit = _limit(exercise, baseline.duration_ms)
    results: list[MutantResult] = []
    with tempfile.TemporaryDirectory(prefix="dltutor-mutants-") as tmp:
        root = Path(tmp)
        file = root / "submission" / exercise.filename
        file.parent.mkdir()
        battery: _Battery | None = None  # built when a first mutant passes the public cases
        for done, mutant in enumerate(mutants, 1):
            file.write_text(mutant.source, encoding="utf-8")
            result = grader.check(exercise, file, timeout=limit)
            status, caught_by = "killed", ""
            if result.passed:
                if battery is None:
                    try:
                        battery = _battery(grader, exercise, root, seeds, scales)
                    except (RuntimeError, OSError) as exc:
                        return skipped(str(exc))
                status = "surviving"
                if battery.cases:
                    proof = grader.check(battery.exercise, file, timeout=battery.timeout)
                    if proof.passed:
                        status = "equivalent"
                    else:
                        caught_by = proof.report.label if proof.report else proof.message
            results.append(MutantResult(mutant.line, mutant.description, mutant.kind, status,
                                        caught_by))
            if progress:
                progress(done, len(mutants))
    return MutationReport(exercise.id, tuple(results), time.monotonic() - start)
