"""One honesty signal as a value: what was found, in which exercise, about which submissions.

A signal is a reason for the instructor to read some code, never a verdict: it goes into the
instructor's reports (text, JSON, the class report) and never into a student-facing one. Every
sentence in it is built from a fixed vocabulary, line numbers and names the grader chose; no
text a student wrote is repeated, except the names of their folder and files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the kinds, in the order reports list them, with the words reports use for each
KINDS = {
    "solution": "matches the shipped solution",
    "identical": "identical code",
    "course_access": "reaches for the course",
}


@dataclass(frozen=True)
class HonestySignal:
    kind: str  #: one of KINDS
    exercise: str  #: the exercise id ("" for a file that is not an exercise's)
    submissions: tuple[str, ...]  #: the submissions concerned (two or more for "identical")
    detail: str  #: one sentence for the instructor
    file: str = ""  #: the file, relative to its submission ("course_access" only)

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "exercise": self.exercise,
                "submissions": list(self.submissions), "detail": self.detail,
                "file": self.file}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HonestySignal:
        kind = str(d["kind"])
        if kind not in KINDS:
            raise ValueError(f"unknown honesty signal kind {kind!r}")
        return cls(kind=kind, exercise=str(d.get("exercise", "")),
                   submissions=tuple(str(s) for s in d["submissions"]),
                   detail=str(d.get("detail", "")), file=str(d.get("file", "")))
