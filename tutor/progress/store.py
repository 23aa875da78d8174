"""Progress in SQLite (WAL mode): every write is committed before the caller reports it saved,
so a kill mid-write loses nothing already shown as saved.

A database that cannot be read (not a database, corrupted, wrong schema) is never a traceback:
it is moved aside to `progress.db.corrupt-<time>` (kept, for recovery), a fresh one is started,
and `ProgressStore.notice` says what happened and where the old file went. A database that
cannot be written at all (read-only folder) degrades to an in-memory store with a notice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    at REAL NOT NULL,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    code_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_exercise ON attempts (exercise);
CREATE TABLE IF NOT EXISTS hints (
    exercise TEXT PRIMARY KEY, shown INTEGER NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS lessons_read (lesson TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS quiz_answers (
    lesson TEXT NOT NULL, question INTEGER NOT NULL, correct INTEGER NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (lesson, question)
);
CREATE TABLE IF NOT EXISTS solutions_seen (exercise TEXT PRIMARY KEY, at REAL NOT NULL);
"""


class ExerciseStatus(str, Enum):
    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    PASSED = "passed"


@dataclass(frozen=True)
class ProgressNotice:
    """Something the learner should be told about their progress file."""

    message: str


def code_hash(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()[:16]


class ProgressStore:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.notice: ProgressNotice | None = None
        self._lock = threading.Lock()
        self._db = self._open()

    # -- opening, with recovery ----------------------------------------------------------------

    def _connect(self, target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, check_same_thread=False, timeout=10.0,
                             isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"schema version {row[0]} is newer than this dltutor")
        check = db.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        return db

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._connect(":memory:")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(str(self.path))
        except sqlite3.DatabaseError as exc:
            if not self.path.exists():
                return self._in_memory(f"cannot create {self.path} ({exc})")
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            try:
                self.path.rename(backup)
                for suffix in ("-wal", "-shm"):
                    side = self.path.with_name(self.path.name + suffix)
                    if side.exists():
                        side.rename(backup.with_name(backup.name + suffix))
                db = self._connect(str(self.path))
            except (OSError, sqlite3.DatabaseError) as exc2:
                return self._in_memory(f"{self.path} is unreadable ({exc}) and could not be "
                                       f"moved aside ({exc2})")
            self.notice = ProgressNotice(
                f"Your progress file {self.path} could not be read ({exc}). It was moved to "
                f"{backup} and a fresh one was started; your exercise files are untouched.")
            return db
        except OSError as exc:
            return self._in_memory(f"cannot create {self.path} ({exc.strerror})")

    def _in_memory(self, why: str) -> sqlite3.Connection:
        self.notice = ProgressNotice(f"Progress will not be saved this session: {why}. "
                                     "Use --workspace DIR to pick a writable folder.")
        return self._connect(":memory:")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writes (each one committed before it returns) ------------------------------------------

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self._lock:
            self._db.execute(sql, params)

    def record_attempt(self, exercise: str, verdict: str, score: float, source: bytes) -> None:
        self._write("INSERT INTO attempts (exercise, at, verdict, score, code_hash) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (exercise, time.time(), verdict, float(score), code_hash(source)))

    def record_hint(self, exercise: str, shown: int) -> None:
        self._write("INSERT INTO hints VALUES (?, ?, ?) ON CONFLICT(exercise) DO UPDATE SET "
                    "shown=max(shown, excluded.shown), at=excluded.at",
                    (exercise, shown, time.time()))

    def record_lesson_read(self, lesson: str) -> None:
        self._write("INSERT OR IGNORE INTO lessons_read VALUES (?, ?)", (lesson, time.time()))

    def record_quiz(self, lesson: str, question: int, correct: bool) -> None:
        self._write("INSERT INTO quiz_answers VALUES (?, ?, ?, ?) ON CONFLICT(lesson, question) "
                    "DO UPDATE SET correct=max(correct, excluded.correct), at=excluded.at",
                    (lesson, question, int(correct), time.time()))

    def record_solution_seen(self, exercise: str) -> None:
        self._write("INSERT OR IGNORE INTO solutions_seen VALUES (?, ?)", (exercise, time.time()))

    # -- reads ------------------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def status(self, exercise: str) -> ExerciseStatus:
        return self.statuses().get(exercise, ExerciseStatus.NOT_STARTED)

    def statuses(self) -> dict[str, ExerciseStatus]:
        out: dict[str, ExerciseStatus] = {}
        for exercise, passed in self._rows(
                "SELECT exercise, max(verdict = 'pass') FROM attempts GROUP BY exercise"):
            out[exercise] = ExerciseStatus.PASSED if passed else ExerciseStatus.ATTEMPTED
        return out

    def attempts(self, exercise: str) -> int:
        return int(self._rows("SELECT count(*) FROM attempts WHERE exercise=?", (exercise,))[0][0])

    def distinct_attempts(self, exercise: str, excluding_hash: str = "") -> int:
        """How many different versions of the code were checked (not counting `excluding_hash`,
        the untouched starter's)."""
        return int(self._rows(
            "SELECT count(DISTINCT code_hash) FROM attempts WHERE exercise=? AND code_hash!=?",
            (exercise, excluding_hash))[0][0])

    def best_score(self, exercise: str) -> float:
        row = self._rows("SELECT max(score) FROM attempts WHERE exercise=?", (exercise,))[0]
        return float(row[0] or 0.0)

    def hints_shown(self, exercise: str) -> int:
        rows = self._rows("SELECT shown FROM hints WHERE exercise=?", (exercise,))
        return int(rows[0][0]) if rows else 0

    def lessons_read(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT lesson FROM lessons_read")}

    def quiz_correct(self, lesson: str) -> set[int]:
        return {int(r[0]) for r in self._rows(
            "SELECT question FROM quiz_answers WHERE lesson=? AND correct=1", (lesson,))}

    def last_exercise(self) -> str | None:
        rows = self._rows("SELECT exercise FROM attempts ORDER BY at DESC, id DESC LIMIT 1")
        return rows[0][0] if rows else None
