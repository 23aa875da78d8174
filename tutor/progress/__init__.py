"""The learner's record: attempts, hints, lessons read, quiz answers (SQLite, WAL)."""

from tutor.progress.store import ExerciseStatus, ProgressNotice, ProgressStore

__all__ = ["ExerciseStatus", "ProgressNotice", "ProgressStore"]
