"""The values the progress store hands out: an exercise's standing, a kept version of the
learner's code, the state of their current file. Frozen dataclasses, each with `to_dict()`.

One idea of "attempted" everywhere: an **attempt** is a check of code that differs from the
starter and loads (it compiles, imports and defines the function). A file with a syntax error, an
import error or no such function is reported but is not an attempt, and neither is the untouched
starter. An exercise is *attempted* once it has an attempt, and that is also what unlocks its
solution; it is *passed* once an attempt passed."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

#: one sentence for learners, used wherever the word "attempted" needs explaining
ATTEMPT_MEANING = ("an attempt is a check of your own code (not the untouched starter) that "
                   "loads: a syntax error, an import error or a missing function does not count")


class ExerciseStatus(str, Enum):
    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    PASSED = "passed"


@dataclass(frozen=True)
class ProgressNotice:
    """Something the learner should be told about their progress file."""

    message: str


def digest(content: bytes) -> str:
    """The content address of a version: SHA-256, hex."""
    return hashlib.sha256(content).hexdigest()


def code_hash(source: bytes) -> str:
    """The short hash recorded with each attempt: the first 16 hex digits of `digest`."""
    return digest(source)[:16]


def iso_time(at: float) -> str:
    """A stored time as local ISO-8601 with its UTC offset, to the second."""
    return datetime.fromtimestamp(at, timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Version:
    """One version of the learner's file for an exercise, kept in the progress store because it
    was checked, or replaced by a reset or a restore. Content-addressed: the same content is one
    version however often it is kept."""

    number: int  #: 1-based, in the order versions were first kept
    digest: str  #: SHA-256 of the content, hex
    when: str  #: ISO-8601 time it was last kept or checked
    verdict: str | None  #: the last check verdict of this exact content; None if never checked
    score: float | None  #: the score of that check
    reason: str  #: why it was last kept: "check", "reset" or "restore"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileState:
    """The truth about the learner's *current* file for one exercise, for a header or a map:

    * `passed`: this exact content passed when it was last checked;
    * `passed_before`: the exercise was passed, but not with this content (the file changed since,
      was reset, or the pass came from another file);
    * `checked`: this exact content has been checked (`verdict`, `score` say how it went);
    * `untouched`: the file is the starter (or does not exist yet);
    * `label`: one word for all that — "passed", "passed before", "attempted" or "not started".
    """

    exists: bool
    untouched: bool
    digest: str | None  #: SHA-256 of the current content; None when there is no file
    verdict: str | None  #: last check verdict of exactly this content; None if never checked
    score: float | None
    version: int | None  #: its number in the history; None if this content was never kept
    status: ExerciseStatus  #: the exercise's standing over all its checks

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def passed_before(self) -> bool:
        return self.status is ExerciseStatus.PASSED and not self.passed

    @property
    def checked(self) -> bool:
        return self.verdict is not None

    @property
    def label(self) -> str:
        if self.passed:
            return "passed"
        if self.passed_before:
            return "passed before"
        return self.status.value

    def to_dict(self) -> dict[str, Any]:
        return {"exists": self.exists, "untouched": self.untouched, "digest": self.digest,
                "verdict": self.verdict, "score": self.score, "version": self.version,
                "status": self.status.value, "passed": self.passed,
                "passed_before": self.passed_before, "label": self.label}
