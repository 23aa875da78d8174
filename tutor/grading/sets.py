"""Assignment sets: the TOML file an instructor writes to say what `dltutor grade` grades.

```toml
title = "Homework 2: backprop and optimizers"
packs = ["../hw2-pack"]        # optional: exercise packs, relative to this file
min_score = 18                 # optional: pass threshold in points (--min-score overrides)
timeout = 10                   # optional: seconds per exercise for every entry
visibility = "visible"         # optional: Gradescope test visibility for every entry

gradebook_column = "HW 2 (48213)"  # optional: the column the canvas/moodle formats fill

[hidden]                       # optional: grade on hidden cases
seed_env = "HW2_SEED"          # the variable holding the secret seed (default DLTUTOR_SEED)

[late]                         # optional: a late policy (see tutor.grading.late)
deadline = 2025-03-14T23:59:00-05:00
penalty_per_day = 10           # percent off per started day late
grace_minutes = 15             # optional (default 0)
max_penalty = 50               # optional, percent (default 100)
penalty_of = "score"           # optional: "score" (points earned, default) or "max_score"

[[exercises]]
id = "relu_backward"
points = 10                    # optional: the exercise's own `points` otherwise
timeout = 2                    # optional
```

The secret seed is never stored here: this file may be handed to students. It comes from
`--seed` or from the environment variable the `[hidden]` table names (`dltutor seed` makes one). A set with `[hidden]` refuses
to grade without one, so an instructor never grades on the public cases by accident.

Loading is strict: an unknown key (`point = 10`) is an error, not a silent default. Parsing
(`load_set`) needs no course; `resolve` then matches ids with a loaded `Course`.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tutor.course.model import Course, Exercise

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_SEED_ENV = "DLTUTOR_SEED"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
#: least to most hidden: what a student sees before grades are out, and after
VISIBILITY_ORDER = ("visible", "after_due_date", "after_published", "hidden")
_TOP_KEYS = {"title", "packs", "min_score", "timeout", "visibility", "hidden", "exercises",
             "late", "gradebook_column"}
_ENTRY_KEYS = {"id", "points", "timeout", "visibility", "name"}
_HIDDEN_KEYS = {"seed_env", "required"}
_LATE_KEYS = {"deadline", "grace_minutes", "penalty_per_day", "max_penalty", "penalty_of"}
PENALTY_BASES = ("score", "max_score")


class SetError(ValueError):
    """The set file is missing or malformed, or names an exercise that does not exist."""


@dataclass(frozen=True)
class SetEntry:
    """One exercise of a set, as the file says it (points None: the exercise's own)."""

    id: str
    points: float | None = None
    timeout: float | None = None
    visibility: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class HiddenSettings:
    seed_env: str = DEFAULT_SEED_ENV
    required: bool = True  #: refuse to grade without a secret seed


@dataclass(frozen=True)
class LatePolicy:
    """The `[late]` table: `penalty_per_day` percent off for each started day after `deadline`
    (once `grace_minutes` have passed), at most `max_penalty` percent, of the points earned or
    of the maximum (`penalty_of`). Applied by `tutor.grading.late`."""

    deadline: datetime  #: timezone-aware
    penalty_per_day: float
    grace_minutes: float = 0.0
    max_penalty: float = 100.0
    penalty_of: str = "score"


@dataclass(frozen=True)
class AssignmentSet:
    title: str
    entries: tuple[SetEntry, ...]
    path: Path | None = None  #: None for the implicit "every exercise" set
    packs: tuple[Path, ...] = ()  #: resolved against the set file's folder
    min_score: float | None = None
    timeout: float | None = None
    visibility: str = "visible"
    hidden: HiddenSettings | None = None
    late: LatePolicy | None = None
    gradebook_column: str | None = None  #: the LMS column header (default: the title)


@dataclass(frozen=True)
class GradeItem:
    """A set entry matched with its exercise: what the batch grades, and for how many points."""

    exercise: Exercise
    points: float
    timeout: float | None
    visibility: str
    name: str

    @property
    def id(self) -> str:
        return self.exercise.id


def _number(value: Any, what: str, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SetError(f"{where}: {what} must be a number, not {value!r}")
    if value < 0 or (positive and value == 0):
        raise SetError(f"{where}: {what} must be {'positive' if positive else 'at least 0'}")
    return float(value)


def _unknown(keys: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(keys) - allowed)
    if extra:
        raise SetError(f"{where}: unknown key(s) {', '.join(extra)} "
                       f"(allowed: {', '.join(sorted(allowed))})")


def _visibility(value: Any, where: str) -> str:
    if value not in VISIBILITIES:
        raise SetError(f"{where}: visibility must be one of {', '.join(VISIBILITIES)}")
    return str(value)


def _late(table: Any, where: str) -> LatePolicy:
    where = f"{where}: [late]"
    if not isinstance(table, dict):
        raise SetError(f"{where} must be a table")
    _unknown(table, _LATE_KEYS, where)
    for key in ("deadline", "penalty_per_day"):
        if key not in table:
            raise SetError(f"{where} needs {key}")
    deadline = table["deadline"]
    if isinstance(deadline, str):
        try:
            deadline = datetime.fromisoformat(deadline.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SetError(f"{where}: deadline {table['deadline']!r} is not an ISO-8601 time "
                           "(2025-03-14T23:59:00-05:00)") from None
    if not isinstance(deadline, datetime) or deadline.utcoffset() is None:
        raise SetError(f"{where}: deadline needs a date, a time and a timezone, e.g. "
                       "2025-03-14T23:59:00-05:00 or 2025-03-15T04:59:00Z")
    per_day = _number(table["penalty_per_day"], "penalty_per_day", where)
    cap = _number(table.get("max_penalty", 100), "max_penalty", where)
    if per_day > 100 or cap > 100:
        raise SetError(f"{where}: penalty_per_day and max_penalty are percentages (0 to 100)")
    basis = table.get("penalty_of", "score")
    if basis not in PENALTY_BASES:
        raise SetError(f"{where}: penalty_of must be one of {', '.join(PENALTY_BASES)}")
    return LatePolicy(deadline=deadline, penalty_per_day=per_day,
                      grace_minutes=_number(table.get("grace_minutes", 0), "grace_minutes", where),
                      max_penalty=cap, penalty_of=basis)


def parse_set(data: Mapping[str, Any], path: Path | None = None) -> AssignmentSet:
    where = str(path) if path else "set"
    _unknown(data, _TOP_KEYS, where)
    title = data.get("title", path.stem if path else "dltutor")
    if not isinstance(title, str) or not title.strip():
        raise SetError(f"{where}: title must be a non-empty string")
    raw = data.get("exercises")
    if not isinstance(raw, list) or not raw:
        raise SetError(f"{where}: needs at least one [[exercises]] entry with an id")
    entries: list[SetEntry] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, 1):
        at = f"{where}: [[exercises]] #{n}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise SetError(f"{at} needs an id (a string)")
        _unknown(item, _ENTRY_KEYS, at)
        if item["id"] in seen:
            raise SetError(f"{at}: {item['id']!r} is listed twice")
        seen.add(item["id"])
        name = item.get("name")
        if name is not None and not isinstance(name, str):
            raise SetError(f"{at}: name must be a string")
        entries.append(SetEntry(
            id=item["id"],
            points=_number(item["points"], "points", at) if "points" in item else None,
            timeout=_number(item["timeout"], "timeout", at, positive=True)
            if "timeout" in item else None,
            visibility=_visibility(item["visibility"], at) if "visibility" in item else None,
            name=name))
    base = path.parent if path else Path.cwd()
    packs = data.get("packs", [])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise SetError(f"{where}: packs must be a list of folder paths")
    hidden = None
    if "hidden" in data:
        table = data["hidden"]
        if not isinstance(table, dict):
            raise SetError(f"{where}: [hidden] must be a table")
        _unknown(table, _HIDDEN_KEYS, f"{where}: [hidden]")
        env = table.get("seed_env", DEFAULT_SEED_ENV)
        if not isinstance(env, str) or not env.strip():
            raise SetError(f"{where}: [hidden] seed_env must name an environment variable")
        if "seed" in table:  # pragma: no cover - caught by _unknown; kept as documentation
            raise SetError(f"{where}: never store the secret seed in the set file")
        hidden = HiddenSettings(env.strip(), bool(table.get("required", True)))
    column = data.get("gradebook_column")
    if column is not None and (not isinstance(column, str) or not column.strip()):
        raise SetError(f"{where}: gradebook_column must be a non-empty string")
    return AssignmentSet(
        title=title.strip(), entries=tuple(entries), path=path,
        packs=tuple((base / p).resolve() for p in packs),
        min_score=_number(data["min_score"], "min_score", where) if "min_score" in data else None,
        timeout=_number(data["timeout"], "timeout", where, positive=True)
        if "timeout" in data else None,
        visibility=_visibility(data.get("visibility", "visible"), where),
        hidden=hidden, late=_late(data["late"], where) if "late" in data else None,
        gradebook_column=column.strip() if column else None)


def load_set(path: Path) -> AssignmentSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SetError(f"set file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SetError(f"set file {path} cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SetError(f"{path} is not valid TOML: {exc}") from None
    return parse_set(data, path.resolve())


def every_exercise(course: Course, title: str = "All exercises") -> AssignmentSet:
    """The implicit set when `grade` gets no --set: every loaded exercise, in course order."""
    return AssignmentSet(title=title,
                         entries=tuple(SetEntry(e.id) for e in course.ordered_exercises()))


def resolve(assignment: AssignmentSet, course: Course, *,
            timeout: float | None = None) -> list[GradeItem]:
    """Match every entry with its exercise; `timeout` (from --timeout) overrides the file's."""
    items = []
    missing = [e.id for e in assignment.entries if e.id not in course.exercises]
    if missing:
        where = f"{assignment.path}: " if assignment.path else ""
        raise SetError(f"{where}unknown exercise id(s): {', '.join(missing)}. "
                       "`dltutor list` (with the same --pack options) shows the ids.")
    for entry in assignment.entries:
        exercise = course.exercise(entry.id)
        items.append(GradeItem(
            exercise=exercise,
            points=exercise.points if entry.points is None else entry.points,
            timeout=timeout or entry.timeout or assignment.timeout,
            visibility=entry.visibility or assignment.visibility,
            name=entry.name or exercise.title))
    return items


def secret_seed(assignment: AssignmentSet, cli_seed: int | None,
                environ: Mapping[str, str] | None = None) -> tuple[int | None, str]:
    """The seed to grade with and where it came from (for the log line, never the value).

    `--seed` wins; then the variable the set's [hidden] table names; then $DLTUTOR_SEED. A set
    with a required [hidden] table and no seed anywhere is an error."""
    env = os.environ if environ is None else environ
    if cli_seed is not None:
        return cli_seed, "--seed"
    names = [assignment.hidden.seed_env] if assignment.hidden else []
    if DEFAULT_SEED_ENV not in names:
        names.append(DEFAULT_SEED_ENV)
    for name in names:
        raw = env.get(name, "").strip()
        if raw:
            return parse_seed(raw), f"${name}"
    if assignment.hidden and assignment.hidden.required:
        raise SetError(f"{assignment.path or 'this set'} grades on hidden cases: give the secret "
                       f"seed with --seed S or in ${assignment.hidden.seed_env}")
    return None, ""


def parse_seed(raw: str) -> int:
    """The secret seed: an integer of any size (decimal, or 0x-hex as `dltutor seed` may print),
    or any other text (a passphrase), hashed to a 256-bit integer.

    Every bit counts (see `tutor.grading.seeds`): nothing here truncates the seed. A passphrase is
    only as strong as it is hard to guess; `dltutor seed` makes a 128-bit one."""
    text = raw.strip()
    try:
        return int(text, 0)
    except ValueError:
        pass
    sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.removeprefix("+"))
    if digits.isascii() and digits.isdigit():  # leading zeros, or past int()'s digit limit
        value = 0
        for start in range(0, len(digits), 1000):
            chunk = digits[start:start + 1000]
            value = value * 10 ** len(chunk) + int(chunk)
        return sign * value
    import hashlib

    return int.from_bytes(hashlib.sha256(raw.encode("utf-8", "surrogatepass")).digest(), "big")


def strictest_visibility(visibilities: Iterable[str]) -> str:
    """The most hidden of Gradescope visibilities: `hidden`, then `after_published`, then
    `after_due_date`, then `visible` (also the answer for none). An unknown value is `hidden`."""
    rank = {v: n for n, v in enumerate(VISIBILITY_ORDER)}
    worst = max((rank.get(v, len(VISIBILITY_ORDER) - 1) for v in visibilities), default=0)
    return VISIBILITY_ORDER[worst]
