"""Which of the learner's exercises a run swaps in (`--use-mine ID,...` or `--use-mine all`), and
the check that lets each one in: one path for `dltutor train` and the app's training screen.

An exercise fits an experiment when its `[train]` slot (exercise.toml) is one the experiment
lists (`ExperimentInfo.slots`); nothing here names an exercise. Torch-free and textual-free: the
caller brings the check (`Grader.check` in the CLI, the session's grader in the app).

Named exercises (`--use-mine a,b`) are all-or-nothing, as a learner who names a file expects: a
usage problem raises `SwapError` and a failing check refuses the run. `all` is every fitting
exercise the learner has started (a file that is not the untouched starter): those that pass
are swapped in, those that fail are left out with their verdict and the run goes on, since a
learner halfway through the course still wants to see their finished pieces train.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.course.model import Course, Exercise
from tutor.present import verdict
from tutor.training import registry

ALL = "all"  #: `--use-mine all`


class SwapError(ValueError):
    """The request does not fit the experiment (a usage error, exit 2)."""


def fitting(info: registry.ExperimentInfo, course: Course) -> list[Exercise]:
    """The course's exercises that can fill one of the experiment's slots, in course order."""
    return [ex for ex in course.ordered_exercises()
            if ex.train is not None and ex.train.kind in info.slots]


def fits(exercise: Exercise) -> list[str]:
    """The experiments this exercise fits."""
    if exercise.train is None:
        return []
    return [e.name for e in registry.EXPERIMENTS.values() if exercise.train.kind in e.slots]


def conflict(info: registry.ExperimentInfo, chosen: Sequence[Exercise]) -> str | None:
    """Why these exercises cannot go in one run together (two of them fill the same slot that
    takes one), or None."""
    seen: dict[tuple[str, str], Exercise] = {}
    for ex in chosen:
        assert ex.train is not None
        key = ex.train.key
        if key[0] in info.several:
            continue
        if key in seen:
            kind = key[0] if key[1] == "whole" else f"{key[0]} {key[1]}"
            takes = [e.name for e in registry.EXPERIMENTS.values() if key[0] in e.several]
            where = f"; {', '.join(takes)} takes them all at once" if takes else ""
            return (f"one {kind} at a time in {info.name} (got {seen[key].id}, {ex.id})"
                    f"{where}")
        seen[key] = ex
    return None


def wanted_ids(items: Iterable[str]) -> list[str]:
    """`--use-mine a,b --use-mine c` as ["a", "b", "c"], each once, in order."""
    return list(dict.fromkeys(x.strip() for item in items for x in item.split(",")
                              if x.strip()))


def named(info: registry.ExperimentInfo, course: Course, ids: Sequence[str]) -> list[Exercise]:
    """The exercises `--use-mine a,b` names, checked to fit the experiment and each other."""
    if ALL in ids and len(ids) > 1:
        raise SwapError(f"--use-mine {ALL} already takes every exercise that fits "
                        f"{info.name}: give {ALL} alone, or name exercises")
    chosen = []
    for ex_id in ids:
        exercise = course.exercises.get(ex_id)
        if exercise is None:
            close = [e for e in course.exercises if ex_id in e or e in ex_id]
            hint = f" Did you mean: {', '.join(close[:3])}?" if close else ""
            raise SwapError(f"unknown exercise {ex_id!r}.{hint} `dltutor list` shows them all.")
        if exercise.train is None or exercise.train.kind not in info.slots:
            takes = ", ".join(e.id for e in fitting(info, course)) or "none"
            others = fits(exercise)
            where = (f" It fits: {', '.join(others)}." if others else
                     " It has no place in a training run.")
            raise SwapError(f"--use-mine {ex_id} does not fit {info.name} (it takes: "
                            f"{takes}).{where}")
        chosen.append(exercise)
    problem = conflict(info, chosen)
    if problem:
        raise SwapError(problem)
    return chosen


@dataclass(frozen=True)
class Candidates:
    """What `--use-mine all` will check: the exercises to check, in course order, and those it
    leaves out before checking (not started, or a second one for a slot that takes one)."""

    check: tuple[Exercise, ...]
    not_started: tuple[Exercise, ...] = ()
    #: (exercise, why): another of the learner's exercises fills its slot in this run
    passed_over: tuple[tuple[Exercise, str], ...] = ()


def everything(info: registry.ExperimentInfo, course: Course,
               started: Callable[[Exercise], bool]) -> Candidates:
    """`--use-mine all`: every fitting exercise the learner has started (`started`: the file
    exists and is not the untouched starter). A slot that takes one exercise gets the first in
    course order, except the optimizer: only the one the experiment trains with anyway
    (`ExperimentInfo.optimizer`), since another would change both runs; name it to use it."""
    check: list[Exercise] = []
    not_started: list[Exercise] = []
    passed_over: list[tuple[Exercise, str]] = []
    taken: dict[tuple[str, str], Exercise] = {}
    for ex in fitting(info, course):
        assert ex.train is not None
        key = ex.train.key
        other_optimizer = (key[0] == "optimizer" and key[0] not in info.several
                           and ex.train.label != info.optimizer)
        if not started(ex):
            if not other_optimizer:  # one the run would not use anyway goes unmentioned
                not_started.append(ex)
            continue
        if key[0] in info.several:
            check.append(ex)
        elif other_optimizer:
            why = (f"{info.name} trains with {info.optimizer}; --use-mine {ex.id} trains "
                   f"both runs with {ex.train.label} instead")
            passed_over.append((ex, why))
        elif key in taken:
            passed_over.append((ex, f"your {taken[key].id} fills that slot"))
        else:
            taken[key] = ex
            check.append(ex)
    return Candidates(tuple(check), tuple(not_started), tuple(passed_over))


@dataclass
class Vetted:
    """The outcome of checking the candidates: what goes into the run and what was refused."""

    passed: list[tuple[Exercise, Path]] = field(default_factory=list)
    refused: list[tuple[Exercise, Path, Any]] = field(default_factory=list)  #: + CheckResult

    def request(self) -> tuple[tuple[str, str, Path], ...]:
        """`RunRequest.mine`: (exercise id, function, file) of each passing exercise."""
        return tuple((ex.id, ex.function, path) for ex, path in self.passed)

    def slots(self) -> tuple[tuple[str, Any], ...]:
        """`RunRequest.slots`: (exercise id, TrainSlot) of each passing exercise."""
        return tuple((ex.id, ex.train) for ex, _ in self.passed if ex.train is not None)


def vet(chosen: Iterable[tuple[Exercise, Path]], check: Callable[[Exercise, Path], Any], *,
        stop_at_first: bool, before: Callable[[Exercise], None] = lambda ex: None) -> Vetted:
    """Check each file (`check` returns a CheckResult); with `stop_at_first` (named exercises),
    stop at the first that does not pass."""
    out = Vetted()
    for exercise, path in chosen:
        before(exercise)
        result = check(exercise, path)
        if result.passed:
            out.passed.append((exercise, path))
        else:
            out.refused.append((exercise, path, result))
            if stop_at_first:
                break
    return out


def refusal_line(exercise: Exercise, result: Any) -> str:
    """One sentence for an exercise `all` left out: its verdict, score and first failure, and
    the known mistake when one matched."""
    text = (f"Left out your {exercise.id}: {verdict(str(result.verdict)).word} "
            f"({result.cases_passed}/{result.cases_total} cases) — {result.message}")
    if result.diagnosis:
        text += f" Likely mistake: {result.diagnosis}"
    return text + f" (`dltutor check {exercise.id}` shows the whole report.)"


def builtin_slot(exercise_id: str) -> Any:
    """The `[train]` slot of a built-in exercise, for a run started without one (`--mine` alone:
    tests, scripts); None when it has none or is not built in."""
    from tutor.course.loader import ContentError, load_exercise
    from tutor.course.locations import builtin_root

    root = builtin_root()
    folder = root / "exercises" / exercise_id
    if not folder.is_dir():
        return None
    try:
        return load_exercise(folder, root / "solutions").train
    except ContentError:
        return None
