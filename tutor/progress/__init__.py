"""The learner's record: attempts, hints, lessons read, quiz answers, every version of their code
that was checked or replaced, and the last check report of each exercise (SQLite, WAL)."""

from tutor.progress.records import (
    ATTEMPT_MEANING,
    ExerciseStatus,
    FileState,
    ProgressNotice,
    Version,
)
from tutor.progress.store import ProgressStore

__all__ = ["ATTEMPT_MEANING", "ExerciseStatus", "FileState", "ProgressNotice", "ProgressStore",
           "Version"]
