"""Load lessons and exercises from folders into a `Course`.

A broken file never stops the rest from loading: the exercise or lesson is left out and a
message saying which file and what is wrong goes into `Course.problems` (the app and `list` show
them). `strict=True` raises instead, for `dltutor validate`."""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tutor.course.checkpoints import Checkpoint, CheckpointError, checkpoints
from tutor.course.frontmatter import FrontMatterError, split_front_matter
from tutor.course.locations import builtin_root
from tutor.course.model import (
    COMPARE_KEYS,
    EXERCISE_KEYS,
    FORMAT_VERSION,
    MISTAKE_KEYS,
    Course,
    Exercise,
    Lesson,
    Mistake,
    QuizQuestion,
)
from tutor.course.numbers import NotANumber, parse_number
from tutor.course.train_slot import parse_train

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LESSON_FILE = re.compile(r"^(\d+)-[\w-]+\.md$")


class ContentError(ValueError):
    """A lesson or exercise file is malformed; the message names the file and the fix."""


def load_course(packs: Iterable[Path] = (), *, builtin: bool = True, strict: bool = False) -> Course:
    roots: list[tuple[Path, str | None]] = []
    if builtin:
        roots.append((builtin_root(), None))
    for pack_dir in packs:
        folder = Path(pack_dir).expanduser().resolve()
        if not folder.is_dir():
            raise ContentError(f"pack folder {folder} does not exist")
        roots.append((folder, folder.name))

    lessons: list[Lesson] = []
    exercises: dict[str, Exercise] = {}
    problems: list[str] = []

    def problem(message: str) -> None:
        if strict:
            raise ContentError(message)
        problems.append(message)

    for root, pack in roots:
        for lesson_path in sorted((root / "lessons").glob("*.md")) if (root / "lessons").is_dir() else []:
            try:
                lessons.append(load_lesson(lesson_path))
            except ContentError as exc:
                problem(str(exc))
        ex_root = root / "exercises"
        for folder in sorted(ex_root.iterdir()) if ex_root.is_dir() else []:
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            try:
                exercise = load_exercise(folder, root / "solutions", pack)
            except ContentError as exc:
                problem(str(exc))
                continue
            if exercise.id in exercises:
                problem(f"{folder}: exercise id {exercise.id!r} is already defined in "
                        f"{exercises[exercise.id].directory}; pack ids must be unique")
                continue
            exercises[exercise.id] = exercise

    for message in requires_problems(exercises):
        problem(message)
    lessons.sort(key=lambda lesson: lesson.number)
    owner: dict[str, str] = {}
    for lesson in lessons:
        for ex_id in lesson.exercises:
            if ex_id not in exercises:
                problem(f"{lesson.path}: lists exercise {ex_id!r}, which does not exist")
            owner.setdefault(ex_id, lesson.id)
    exercises = {
        k: _with_lesson(v, owner.get(k)) for k, v in exercises.items()
    }
    return Course(lessons=tuple(lessons), exercises=exercises, problems=tuple(problems))


def _with_lesson(exercise: Exercise, lesson_id: str | None) -> Exercise:
    from dataclasses import replace

    return replace(exercise, lesson_id=lesson_id) if lesson_id else exercise


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path} is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path} cannot be read: {exc}") from None


def _strings(value: Any, what: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(f"{path}: {what} must be a list of strings")
    return tuple(value)


def _unknown_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str,
                  path: Path) -> None:
    """A key this dltutor does not read is an error, not silently ignored: `point = 25` would
    give the default 10 points, `[compare] rtoll` the default tolerance."""
    unknown = [key for key in table if key not in allowed]
    if not unknown:
        return
    key = unknown[0]
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ContentError(f"{path}: unknown key {key!r} in {where}{hint}; the keys allowed there "
                       f"are {', '.join(allowed)}")


def _format_version(data: dict[str, Any], path: Path) -> int:
    """`format_version` (absent: 1). A newer one than this dltutor reads is a clear error."""
    version = data.get("format_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ContentError(f"{path}: format_version must be a whole number, 1 or more "
                           f"(got {version!r})")
    if version > FORMAT_VERSION:
        raise ContentError(f"{path}: format_version {version}: this exercise was made for a "
                           f"newer dltutor (this one reads format_version {FORMAT_VERSION}); "
                           "upgrade dltutor to use it")
    return version


def _requires(value: Any, ex_id: str, path: Path) -> tuple[str, ...]:
    """`requires = ["relu_backward", ...]`: exercise ids (checked against the course by
    `requires_problems`, which needs the other exercises), never the exercise itself."""
    ids = _strings(value, "requires", path)
    for req in ids:
        if not ID_PATTERN.match(req):
            raise ContentError(f"{path}: requires lists {req!r}, which is not an exercise id "
                               "(snake_case, like relu_backward)")
        if req == ex_id:
            raise ContentError(f"{path}: an exercise cannot require itself ({req!r})")
    return tuple(dict.fromkeys(ids))


def requires_problems(exercises: Mapping[str, Exercise]) -> list[str]:
    """What is wrong with the exercises' `requires`, as messages naming the file: an id that is
    not an exercise here, and a cycle (a requires b requires a), which would leave no order to
    solve them in. Pure: `exercises` is every exercise of the course or pack, by id."""
    problems = []
    for ex in exercises.values():
        for req in ex.requires:
            if req not in exercises:
                close = difflib.get_close_matches(req, list(exercises), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{ex.toml_path}: requires {req!r}, which is not an exercise of "
                                f"this course or pack{hint}")
    done: set[str] = set()
    for start in sorted(exercises):
        cycle = _cycle(start, exercises, [], set(), done)
        if cycle:
            problems.append(cycle_problem(cycle, exercises))
            done.update(cycle)
    return problems


def cycle_problem(cycle: list[str], exercises: Mapping[str, Exercise]) -> str:
    ring = " → ".join([*cycle, cycle[0]])
    return (f"{exercises[cycle[0]].toml_path}: requires go round in a circle ({ring}); an "
            "exercise can only build on earlier ones")


def find_cycle(start: str, exercises: Mapping[str, Exercise]) -> list[str]:
    """A cycle of `requires` reachable from `start`, as the ids along it, or []."""
    return _cycle(start, exercises, [], set(), set())


def _cycle(node: str, exercises: Mapping[str, Exercise], path: list[str], on_path: set[str],
           done: set[str]) -> list[str]:
    """The first cycle reachable from `node` (depth first), as the ids along it, or []."""
    if node in on_path:
        return path[path.index(node):]
    if node in done or node not in exercises:
        return []
    path.append(node)
    on_path.add(node)
    for req in exercises[node].requires:
        found = _cycle(req, exercises, path, on_path, done)
        if found:
            return found
    path.pop()
    on_path.discard(node)
    done.add(node)
    return []


def load_exercise(folder: Path, solutions: Path, pack: str | None = None) -> Exercise:
    ex_id = folder.name
    if not ID_PATTERN.match(ex_id):
        raise ContentError(f"{folder}: exercise folder names are snake_case ids like relu_backward")
    toml_path = folder / "exercise.toml"
    data = _read_toml(toml_path)
    # the version first: a newer format's keys are not "unknown", they are newer
    format_version = _format_version(data, toml_path)
    _unknown_keys(data, EXERCISE_KEYS, "exercise.toml", toml_path)
    if not isinstance(data.get("compare", {}), dict):
        raise ContentError(f"{toml_path}: compare must be a table ([compare])")
    _unknown_keys(data.get("compare", {}), COMPARE_KEYS, "[compare]", toml_path)
    if not isinstance(data.get("mistakes", []), list):
        raise ContentError(f"{toml_path}: mistakes must be an array of tables ([[mistakes]])")
    for entry in data.get("mistakes", []):
        if isinstance(entry, dict):
            _unknown_keys(entry, MISTAKE_KEYS, "[[mistakes]]", toml_path)
    for required in ("title", "function"):
        if not isinstance(data.get(required), str) or not data[required].strip():
            raise ContentError(f"{toml_path}: '{required}' is required (a string)")
    for needed in ("README.md", "starter.py", "check.py"):
        if not (folder / needed).is_file():
            raise ContentError(f"{folder}: {needed} is missing")
    compare = data.get("compare", {})
    mistakes = []
    for entry in data.get("mistakes", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ContentError(f"{toml_path}: each [[mistakes]] needs an id")
        if not isinstance(entry.get("diagnosis"), str) or not entry["diagnosis"].strip():
            raise ContentError(f"{toml_path}: mistake {entry['id']!r} needs a diagnosis")
        mistakes.append(Mistake(entry["id"], entry["diagnosis"].strip(),
                                folder / "mistakes" / f"{entry['id']}.py"))
    solution = solutions / f"{ex_id}.py"
    requires = _requires(data.get("requires"), ex_id, toml_path)
    scoring = data.get("scoring", "fraction")
    if scoring not in ("fraction", "all"):
        raise ContentError(f"{toml_path}: scoring must be 'fraction' or 'all'")
    try:
        return Exercise(
            id=ex_id,
            title=data["title"].strip(),
            function=data["function"].strip(),
            directory=folder.resolve(),
            summary=str(data.get("summary", "")),
            points=float(data.get("points", 10)),
            timeout=float(data.get("timeout", 5.0)),
            memory_mb=int(data.get("memory_mb", 1024)),
            scoring=scoring,
            hints=_strings(data.get("hints"), "hints", toml_path),
            forbidden=_strings(data.get("forbidden"), "forbidden", toml_path),
            rtol=float(compare.get("rtol", 1e-7)),
            atol=float(compare.get("atol", 1e-12)),
            mistakes=tuple(mistakes),
            solution_path=solution.resolve() if solution.is_file() else None,
            pack=pack,
            format_version=format_version,
            requires=requires,
            train=parse_train(data.get("train")),
        )
    except (TypeError, ValueError) as exc:
        raise ContentError(f"{toml_path}: {exc}") from None


def load_lesson(path: Path) -> Lesson:
    match = LESSON_FILE.match(path.name)
    if not match:
        raise ContentError(f"{path}: lesson files are named NN-slug.md (e.g. 03-losses.md)")
    try:
        text = path.read_text(encoding="utf-8")
        meta, body = split_front_matter(text, path)
    except FrontMatterError as exc:
        raise ContentError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path} cannot be read: {exc}") from None
    if not isinstance(meta.get("id"), str) or not isinstance(meta.get("title"), str):
        raise ContentError(f"{path}: front matter needs id and title")
    quiz = [_quiz_question(q, path) for q in meta.get("quiz", [])]
    found: tuple[Checkpoint, ...] = ()
    if "checkpoint" in body:  # markdown-it only for a lesson that may have some
        try:
            head = text[:len(text) - len(body)] if text.endswith(body) else ""
            found = checkpoints(body, str(path), head.count("\n"))
        except CheckpointError as exc:
            raise ContentError(str(exc)) from None
    return Lesson(
        id=meta["id"],
        title=meta["title"],
        number=int(match.group(1)),
        path=path.resolve(),
        exercises=_strings(meta.get("exercises"), "exercises", path),
        experiments=_strings(meta.get("experiments"), "experiments", path),
        quiz=tuple(quiz),
        checkpoints=found,
    )


#: the keys a [[quiz]] entry may hold: a misspelt `rtoll` would otherwise grade with the default
QUIZ_KEYS = ("question", "choices", "answer", "explanations", "explanation", "rtol", "tolerance")


def _quiz_question(q: Any, path: Path) -> QuizQuestion:
    """One [[quiz]] entry: multiple choice when it has `choices`, else a numeric question whose
    `answer` is a number or a formula as text (`answer = "ln(4)"`)."""
    if not isinstance(q, dict):
        raise ContentError(f"{path}: quiz must be an array of tables ([[quiz]])")
    _unknown_keys(q, QUIZ_KEYS, "[[quiz]]", path)
    try:
        if "choices" in q:
            choices = tuple(str(c) for c in q["choices"])
            explanations = tuple(str(e) for e in q.get("explanations", []))
            if len(explanations) != len(choices) or not 0 <= int(q["answer"]) < len(choices):
                raise ContentError(f"{path}: quiz {q['question']!r} needs one explanation "
                                   "per choice and an answer index in range")
            return QuizQuestion(str(q["question"]), int(q["answer"]), choices, explanations)
        return QuizQuestion(str(q["question"]), _quiz_answer(q["answer"], path), (),
                            (str(q.get("explanation", "")),),
                            tolerance=_quiz_tolerance(q, "tolerance", path),
                            rtol=_quiz_tolerance(q, "rtol", path))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ContentError):
            raise
        raise ContentError(f"{path}: malformed [[quiz]] entry ({exc})") from None


def _quiz_answer(answer: Any, path: Path) -> float:
    if isinstance(answer, bool):
        raise ContentError(f"{path}: a quiz answer must be a number, not {answer!r}")
    if isinstance(answer, (int, float)):
        value = float(answer)
    else:
        try:
            value = parse_number(str(answer))
        except NotANumber as exc:
            raise ContentError(f"{path}: quiz answer {answer!r} is not a number ({exc})") from None
    if not math.isfinite(value):
        raise ContentError(f"{path}: quiz answer {answer!r} is not a finite number")
    return value


def _quiz_tolerance(q: dict[str, Any], key: str, path: Path) -> float | None:
    """`tolerance` (absolute, any size) or `rtol` (relative, below 1), or None when not stated."""
    if key not in q:
        return None
    value = q[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ContentError(f"{path}: quiz {key} must be a number ≥ 0 (got {value!r})")
    if key == "rtol" and value >= 1:
        raise ContentError(f"{path}: quiz rtol is relative (0.005 is 0.5 %); got {value!r}")
    return float(value)
