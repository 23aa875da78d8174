"""Prove an exercise is sound: the solution passes, the starter fails, every known mistake fails
and is named, the references are finite, the metadata is complete.

Used by `dltutor validate`, the content tests and the exercise authors' loop."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.course.model import Exercise
from tutor.grading.client import Grader
from tutor.grading.results import Verdict

MIN_HINTS = 2
MIN_MISTAKES = 3


@dataclass(frozen=True)
class ExerciseValidation:
    exercise: str
    problems: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "ok": self.ok, "problems": list(self.problems),
                "facts": self.facts}


def metadata_problems(exercise: Exercise, *, strict_counts: bool = True) -> list[str]:
    problems = []
    if len(exercise.hints) < MIN_HINTS:
        problems.append(f"has {len(exercise.hints)} hints; at least {MIN_HINTS} are needed "
                        "(a nudge, then a near-answer)")
    if strict_counts and len(exercise.mistakes) < MIN_MISTAKES:
        problems.append(f"declares {len(exercise.mistakes)} known mistakes; at least "
                        f"{MIN_MISTAKES} are needed")
    for mistake in exercise.mistakes:
        if not mistake.path.is_file():
            problems.append(f"mistake {mistake.id!r} has no file {mistake.path}")
    if exercise.solution_path is None:
        problems.append(f"has no solution (solutions/{exercise.id}.py)")
    statement = exercise.statement_path.read_text(encoding="utf-8") if \
        exercise.statement_path.is_file() else ""
    if len(statement.strip()) < 80:
        problems.append("README.md (the task statement) is missing or too short")
    if not exercise.summary:
        problems.append("exercise.toml has no summary (one line shown in lists)")
    starter = exercise.starter_path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(starter)
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if exercise.function not in names:
            problems.append(f"starter.py does not define {exercise.function}()")
    except SyntaxError as exc:
        problems.append(f"starter.py has a syntax error: {exc}")
    if "NotImplementedError" not in starter:
        problems.append("starter.py should raise NotImplementedError until done")
    return problems


def validate_exercise(grader: Grader, exercise: Exercise, *, seed: int | None = None,
                      strict_counts: bool = True) -> ExerciseValidation:
    problems = metadata_problems(exercise, strict_counts=strict_counts)
    facts: dict[str, Any] = {"mistakes": len(exercise.mistakes), "hints": len(exercise.hints)}
    try:
        audit = grader.audit(exercise, seed)
    except Exception as exc:  # noqa: BLE001 - a broken check.py is a finding, not a crash
        return ExerciseValidation(exercise.id, (*problems, f"check.py failed: {exc}"), facts)
    facts["cases"] = audit["public"]["cases"]
    facts["hidden_cases"] = audit["hidden"]["cases"]
    for kind in ("public", "hidden"):
        if audit[kind]["cases"] == 0:
            problems.append(f"cases() returned no {kind} cases")
        if audit[kind]["nonfinite_references"]:
            problems.append(f"the reference is NaN/inf on {kind} case(s) "
                            f"{audit[kind]['nonfinite_references']}: fix the case generator")
    if exercise.solution_path:
        result = grader.check(exercise, exercise.solution_path, seed=seed)
        facts["solution_ms"] = round(result.duration_ms, 1)
        if result.verdict is not Verdict.PASS:
            problems.append(f"the solution does not pass: {result.message}")
        hidden = grader.check(exercise, exercise.solution_path, seed=seed, hidden=True)
        if hidden.verdict is not Verdict.PASS:
            problems.append(f"the solution does not pass the hidden cases: {hidden.message}")
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
    return ExerciseValidation(exercise.id, tuple(problems), facts)


def solution_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")
