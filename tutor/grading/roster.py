"""`--roster FILE.csv`: which student handed in which folder.

Folders are named however submissions were collected (a GitHub username, a Gradescope id, a
name); an LMS knows students by its own ids. The roster joins them, one row per student:

```
folder,student_id,name,email
zadams,s1001,Zoë Adams,zoe.adams@example.edu
```

`folder` and `student_id` are required; `name`, `email`, `section`, `canvas_id` (Canvas's own
user id, the `ID` column of its gradebook export) and `login_id` (its `SIS Login ID`) are
optional; other columns are ignored, so an LMS export with a `folder` column added works as it is.
A folder matches its row by name, exactly or, when that finds nothing, ignoring case.

Reports then name each student. Folders that are not in the roster, and roster students with no
folder among those graded, are listed as warnings: an LMS export leaves both out (their LMS grade
is left as it is) rather than guessing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grading.csvtable import TableError, read_table
from tutor.grading.gradebook import GradeReport, Student

if TYPE_CHECKING:
    from tutor.grading.batch import Submission

LISTED = 10  #: names a warning lists before "…"


class RosterError(ValueError):
    """The roster cannot be read, lacks a column, or names a folder or a student twice."""


@dataclass(frozen=True)
class Roster:
    path: Path
    students: tuple[tuple[str, Student], ...]  #: (folder, student), in file order


@dataclass(frozen=True)
class RosterMatch:
    """The roster joined with the folders being graded."""

    path: Path
    students: Mapping[str, Student]  #: by submission name
    absent: tuple[Student, ...]  #: roster students with no folder among those graded


def load_roster(path: Path) -> Roster:
    try:
        _, rows = read_table(path, required=("folder", "student_id"), what="roster")
    except TableError as exc:
        raise RosterError(str(exc)) from None
    seen_folders: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    students: list[tuple[str, Student]] = []
    for row in rows:
        at = f"roster {path}, line {row.line}"
        folder, sid = row.get("folder").rstrip("/"), row.get("student_id")
        if not folder or not sid:
            raise RosterError(f"{at}: folder and student_id must not be empty")
        for value, seen, what in ((folder, seen_folders, "folder"), (sid, seen_ids, "student_id")):
            if value in seen:
                raise RosterError(f"{at}: {what} {value!r} is already on line {seen[value]}")
            seen[value] = row.line
        students.append((folder, Student(
            id=sid, name=row.get("name"), email=row.get("email"), section=row.get("section"),
            canvas_id=row.get("canvas_id"), login_id=row.get("login_id"))))
    if not students:
        raise RosterError(f"roster {path} has a header but no students")
    return Roster(Path(path), tuple(students))


def match(roster: Roster, submissions: Sequence[Submission]) -> RosterMatch:
    """Each submission's student: by the submission's name or its folder's name, exactly, else
    ignoring case when that is unambiguous."""
    exact = dict(roster.students)
    folded: dict[str, list[str]] = {}
    for folder in exact:
        folded.setdefault(folder.casefold(), []).append(folder)
    found: dict[str, Student] = {}
    for sub in submissions:
        for key in (sub.name, sub.path.name):
            if key in exact:
                found[sub.name] = exact[key]
                break
            candidates = folded.get(key.casefold(), [])
            if len(candidates) == 1:
                found[sub.name] = exact[candidates[0]]
                break
    taken = set(found.values())
    absent = tuple(s for _, s in roster.students if s not in taken)
    return RosterMatch(roster.path, found, absent)


def _names(items: Sequence[str]) -> str:
    return ", ".join(items[:LISTED]) + (" …" if len(items) > LISTED else "")


def apply(report: GradeReport, matched: RosterMatch) -> GradeReport:
    """The report with every submission's student, the absent students and the warnings."""
    subs = tuple(replace(s, student=matched.students.get(s.name)) for s in report.submissions)
    warnings = list(report.warnings)
    unknown = [s.name for s in subs if s.student is None]
    if unknown:
        warnings.append(f"{len(unknown)} folder{'s are' if len(unknown) != 1 else ' is'} not in "
                        f"the roster ({matched.path.name}): {_names(unknown)}")
    if matched.absent:
        n = len(matched.absent)
        warnings.append(f"{n} student{'s' if n != 1 else ''} in the roster had no folder "
                        f"among those graded: {_names([a.label() for a in matched.absent])}")
    return replace(report, submissions=subs, roster=True, absent=matched.absent,
                   warnings=tuple(warnings))
