"""`--overrides FILE.csv`: an instructor's changes to single grades, applied after grading.

```
student,exercise,points,verdict,comment
alice,square,5,,emailed the file before the deadline; accepted
s1002,scale_add,,fail,copied from another submission
```

- `student` is a submission's name or folder name, or with `--roster` a student id or email;
- `exercise` is an exercise id of the set;
- `points` (0 to the exercise's points) or `verdict` (`pass` or `fail`), or both. `pass` alone
  gives full points, `fail` alone gives 0; points alone keep the verdict unless it no longer fits
  (full points is a pass, fewer than full is not);
- `comment` says why: every format shows it next to the grade it replaced, students included.

The rows are checked against the submissions and the set before anything is graded, so a typo
costs a second, not a grading run: an unknown student or exercise is a usage error naming the
row. The result is a new report whose changed grades keep the original verdict and score
(`ExerciseGrade.override`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grading.csvtable import TableError, read_table
from tutor.grading.gradebook import ExerciseGrade, GradeReport, Override, Student, points
from tutor.grading.results import Verdict

if TYPE_CHECKING:
    from tutor.grading.batch import Submission

VERDICTS = {"pass": Verdict.PASS, "fail": Verdict.FAIL}


class OverrideError(ValueError):
    """The overrides file cannot be read, or a row names something that is not being graded."""


@dataclass(frozen=True)
class OverrideRow:
    line: int
    student: str
    exercise: str
    points: float | None
    verdict: Verdict | None
    comment: str


def load_overrides(path: Path) -> tuple[OverrideRow, ...]:
    """The rows of the file, each with a student, an exercise and points or a verdict."""
    try:
        header, rows = read_table(path, required=("student", "exercise"), what="overrides file")
    except TableError as exc:
        raise OverrideError(str(exc)) from None
    if "points" not in header and "verdict" not in header:
        raise OverrideError(f"overrides file {path}: needs a points or a verdict column "
                            "(student,exercise,points,verdict,comment)")
    out = []
    for row in rows:
        at = f"overrides file {path}, line {row.line}"
        student, exercise = row.get("student"), row.get("exercise")
        if not student or not exercise:
            raise OverrideError(f"{at}: student and exercise must not be empty")
        raw_points, raw_verdict = row.get("points"), row.get("verdict").lower()
        if not raw_points and not raw_verdict:
            raise OverrideError(f"{at}: give points or a verdict for {student}, {exercise}")
        value = None
        if raw_points:
            try:
                value = float(raw_points)
            except ValueError:
                raise OverrideError(f"{at}: points {raw_points!r} is not a number") from None
        if raw_verdict and raw_verdict not in VERDICTS:
            raise OverrideError(f"{at}: verdict {raw_verdict!r} is not one of "
                                f"{', '.join(VERDICTS)}")
        out.append(OverrideRow(row.line, student, exercise, value,
                               VERDICTS.get(raw_verdict), row.get("comment")))
    return tuple(out)


def match(rows: Sequence[OverrideRow], path: Path, submissions: Sequence[Submission],
          students: Mapping[str, Student], max_points: Mapping[str, float],
          ) -> dict[tuple[str, str], OverrideRow]:
    """Each row keyed by (submission name, exercise id). `students` (from the roster) lets a row
    name a student by id or email; `max_points` is the set's points per exercise id."""
    keys: dict[str, set[str]] = {}
    for sub in submissions:
        student = students.get(sub.name)
        for key in (sub.name, sub.path.name, *((student.id, student.email) if student else ())):
            if key:
                keys.setdefault(key, set()).add(sub.name)
    found: dict[tuple[str, str], OverrideRow] = {}
    for row in rows:
        at = f"overrides file {path}, line {row.line}"
        names = keys.get(row.student, set())
        if not names:
            raise OverrideError(f"{at}: no submission {row.student!r} is being graded (a "
                                "folder name" + (", student id or email" if students else "")
                                + " is expected)")
        if len(names) > 1:
            raise OverrideError(f"{at}: {row.student!r} names several submissions: "
                                f"{', '.join(sorted(names))}")
        if row.exercise not in max_points:
            raise OverrideError(f"{at}: exercise {row.exercise!r} is not in the set "
                                f"({', '.join(max_points)})")
        top = max_points[row.exercise]
        if row.points is not None and not 0 <= row.points <= top + 1e-9:
            raise OverrideError(f"{at}: points must be between 0 and {top:g} for "
                                f"{row.exercise}, not {row.points:g}")
        key = (next(iter(names)), row.exercise)
        if key in found:
            raise OverrideError(f"{at}: {key[0]}, {key[1]} is already overridden on line "
                                f"{found[key].line}")
        found[key] = row
    return found


def overridden(grade: ExerciseGrade, row: OverrideRow) -> ExerciseGrade:
    """`grade` as the row says, remembering what it was."""
    if row.points is not None:
        score = points(row.points)
    else:
        score = grade.max_score if row.verdict is Verdict.PASS else 0.0
    if row.verdict is not None:
        verdict = row.verdict
    elif score >= grade.max_score - 1e-9:
        verdict = Verdict.PASS
    elif grade.verdict is Verdict.PASS or (grade.verdict is Verdict.MISSING and score > 0):
        verdict = Verdict.FAIL
    else:
        verdict = grade.verdict
    return replace(grade, verdict=verdict, score=score,
                   override=Override(grade.verdict, grade.score, row.comment))


def apply(report: GradeReport, matched: Mapping[tuple[str, str], OverrideRow]) -> GradeReport:
    """The report with every matched grade overridden."""
    subs = tuple(
        replace(sub, exercises=tuple(overridden(e, matched[sub.name, e.id])
                                     if (sub.name, e.id) in matched else e
                                     for e in sub.exercises))
        for sub in report.submissions)
    return replace(report, submissions=subs)
