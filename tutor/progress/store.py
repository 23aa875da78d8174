"""Progress in SQLite (WAL mode): every write is committed before the caller reports it saved,
so a kill mid-write loses nothing already shown as saved.

Opening never ends in a traceback, and never throws progress away that could still be read:

* a file that is not a database or fails its integrity check is moved aside to
  `progress.db.corrupt-<time>` (kept, for recovery), a fresh one is started, and `notice` says so;
* a file written by a newer dltutor (a higher schema version, see `schema.py`) is read into memory
  and left untouched: never moved aside, never written; `read_only` is set and `notice` says so;
* a file that exists but cannot be written (read-only folder or file) is read into memory the same
  way; a folder where none can be created gives an empty in-memory store.

In every one of those cases, and when a write fails later (the disk filled up, the folder became
read-only), the store carries on in memory: the session still advances (hints, statuses) but
nothing reaches the disk, `persistent` is False and `notice` says why."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from tutor.progress.records import (
    ExerciseStatus,
    ProgressNotice,
    Version,
    code_hash,
    digest,
    iso_time,
)
from tutor.progress.schema import LATEST, migrate, schema_version

__all__ = ["ExerciseStatus", "ProgressNotice", "ProgressStore", "code_hash"]

T = TypeVar("T")
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26


class _Corrupt(sqlite3.DatabaseError):
    """The file is a database but fails its integrity check."""


def _is_corrupt(exc: sqlite3.Error) -> bool:
    if isinstance(exc, _Corrupt):
        return True
    code = getattr(exc, "sqlite_errorcode", None)  # Python >= 3.11
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _memory() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)


class ProgressStore:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.notice: ProgressNotice | None = None
        #: writes reach the file on disk (False: in memory, for this process only)
        self.persistent = False
        #: the file was written by a newer dltutor: it is only read, never written or moved
        self.read_only = False
        self._lock = threading.Lock()
        self._db = self._open()

    # -- opening, with recovery ----------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._fresh_memory()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self._fresh_memory(f"cannot create {self.path.parent} ({exc.strerror})")
        try:
            db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10.0,
                                 isolation_level=None)
        except sqlite3.Error as exc:
            return self._cannot_write(exc)
        try:
            version = schema_version(db)  # reads only: a newer file is never written
            if version > LATEST:
                db.close()
                return self._newer(version)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            check = db.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise _Corrupt(f"integrity check failed: {check}")
            migrate(db)
        except sqlite3.Error as exc:
            db.close()
            if _is_corrupt(exc):
                return self._move_aside(exc)
            return self._cannot_write(exc)
        self.persistent = True
        return db

    def _fresh_memory(self, why: str | None = None) -> sqlite3.Connection:
        if why is not None:
            self.notice = ProgressNotice(f"Progress will not be saved this session: {why}. "
                                         "Use --workspace DIR to pick a writable folder.")
        db = _memory()
        migrate(db)
        return db

    def _copy_into_memory(self) -> sqlite3.Connection:
        """The file's contents in an in-memory database, opened read-only (never written)."""
        assert self.path is not None
        uri = "file:" + quote(str(self.path))
        last: sqlite3.Error | None = None
        for mode in ("?mode=ro", "?immutable=1"):  # immutable: a WAL file in a read-only folder
            try:
                src = sqlite3.connect(uri + mode, uri=True, timeout=10.0)
                try:
                    mem = _memory()
                    src.backup(mem)
                    return mem
                finally:
                    src.close()
            except sqlite3.Error as exc:
                last = exc
        assert last is not None
        raise last

    def _newer(self, version: int) -> sqlite3.Connection:
        self.read_only = True
        try:
            db = self._copy_into_memory()
        except sqlite3.Error as exc:
            db = _memory()  # nothing to show, and still never written
            why = f" (and it could not be read: {exc})"
        else:
            why = ""
        self.notice = ProgressNotice(
            f"Your progress file {self.path} was written by a newer dltutor (progress schema "
            f"{version}; this one knows up to {LATEST}){why}. It is left exactly as it is and "
            "only read: nothing from this session is saved. Upgrade dltutor to keep saving.")
        return db

    def _cannot_write(self, exc: sqlite3.Error) -> sqlite3.Connection:
        assert self.path is not None
        if not self.path.exists():
            return self._fresh_memory(f"cannot create {self.path} ({exc})")
        try:
            db = self._copy_into_memory()
        except sqlite3.Error as exc2:
            return self._fresh_memory(f"{self.path} cannot be opened ({exc}; {exc2})")
        if schema_version(db) > LATEST:
            self.read_only = True
        else:
            migrate(db)
        self.notice = ProgressNotice(
            f"Your progress file {self.path} cannot be written ({exc}): it was read, and what "
            "you do this session is kept only until dltutor exits. Use --workspace DIR to pick "
            "a writable folder.")
        return db

    def _move_aside(self, exc: sqlite3.Error) -> sqlite3.Connection:
        assert self.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            self.path.rename(backup)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(backup.with_name(backup.name + suffix))
            db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10.0,
                                 isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
        except (OSError, sqlite3.Error) as exc2:
            return self._fresh_memory(f"{self.path} is unreadable ({exc}) and could not be "
                                      f"moved aside ({exc2})")
        self.persistent = True
        self.notice = ProgressNotice(
            f"Your progress file {self.path} could not be read ({exc}). It was moved to "
            f"{backup} and a fresh one was started; your exercise files are untouched.")
        return db

    def _degrade(self, exc: sqlite3.Error) -> None:
        """A write to the file failed: carry on in memory with what was there."""
        mem = _memory()
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._db.backup(mem)
        except sqlite3.Error:
            mem.close()
            mem = _memory()
            migrate(mem)
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self._db = mem
        self.persistent = False
        self.notice = ProgressNotice(
            f"Your progress could not be saved to {self.path} ({exc}): from now on it is kept "
            "only until dltutor exits. Use --workspace DIR to pick a writable folder.")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writes (each one one transaction, committed before it returns) --------------------------

    def _transact(self, work: Callable[[sqlite3.Connection], T]) -> T | None:
        """Run `work` in one write transaction. When the file refuses it, go on in memory (and
        say so); in a read-only copy of a newer file, a write its schema refuses is dropped."""
        with self._lock:
            try:
                return self._run(work)
            except sqlite3.Error as exc:
                if self.read_only:
                    return None
                if not self.persistent:
                    raise
                self._degrade(exc)
            try:
                return self._run(work)
            except sqlite3.Error:
                if self.read_only:
                    return None
                raise

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            out = work(db)
            db.execute("COMMIT")
            return out
        except BaseException:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        self._transact(lambda db: db.execute(sql, params))

    def record_attempt(self, exercise: str, verdict: str, score: float, source: bytes) -> None:
        self._write("INSERT INTO attempts (exercise, at, verdict, score, code_hash) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (exercise, time.time(), verdict, float(score), code_hash(source)))

    def record_check(self, exercise: str, result: Mapping[str, Any], source: bytes, *,
                     attempt: bool, keep: bool) -> None:
        """One check, in one transaction: an attempt (when it is one), the checked content as a
        version (when it is worth keeping) with its verdict, and the report as the exercise's
        last result. `result` is `CheckResult.to_dict()`."""
        verdict, score, now = str(result["verdict"]), float(result["score"]), time.time()

        def work(db: sqlite3.Connection) -> None:
            if attempt:
                db.execute("INSERT INTO attempts (exercise, at, verdict, score, code_hash) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (exercise, now, verdict, score, code_hash(source)))
            if keep:
                self._keep(db, exercise, source, "check", now, (verdict, score))
            db.execute("INSERT INTO last_results VALUES (?, ?, ?, ?) ON CONFLICT(exercise) DO "
                       "UPDATE SET at=excluded.at, digest=excluded.digest, "
                       "result=excluded.result",
                       (exercise, now, digest(source), json.dumps(dict(result))))

        self._transact(work)

    def keep_version(self, exercise: str, content: bytes, reason: str, *,
                     at: float | None = None) -> Version | None:
        """Keep `content` as a version of `exercise` (or mark the existing one as kept again, at
        `at`, default now). None only in a read-only copy that refused it."""
        now = time.time() if at is None else at
        number = self._transact(lambda db: self._keep(db, exercise, content, reason, now, None))
        if number is None:
            return None
        return next((v for v in self.versions(exercise) if v.number == number), None)

    @staticmethod
    def _keep(db: sqlite3.Connection, exercise: str, content: bytes, reason: str, at: float,
              checked: tuple[str, float] | None) -> int:
        key = digest(content)
        db.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?)", (key, content))
        row = db.execute("SELECT number FROM versions WHERE exercise=? AND digest=?",
                         (exercise, key)).fetchone()
        if row is None:
            number = int(db.execute("SELECT coalesce(max(number), 0) + 1 FROM versions "
                                    "WHERE exercise=?", (exercise,)).fetchone()[0])
            db.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                       (exercise, key, number, at, reason))
        else:
            number = int(row[0])
            db.execute("UPDATE versions SET at=max(at, ?), reason=? WHERE exercise=? AND "
                       "digest=?", (at, reason, exercise, key))
        if checked is not None:
            db.execute("UPDATE versions SET verdict=?, score=? WHERE exercise=? AND digest=?",
                       (checked[0], checked[1], exercise, key))
        return number

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

    def record_checkpoint(self, lesson: str, checkpoint: str, prediction: str, actual: str,
                          verdict: str) -> None:
        """One prediction at a lesson's checkpoint, beside the real value (every answer is
        kept; the latest is the one shown)."""
        self._write("INSERT INTO checkpoint_answers (lesson, checkpoint, prediction, actual, "
                    "verdict, at) VALUES (?, ?, ?, ?, ?, ?)",
                    (lesson, checkpoint, prediction, actual, verdict, time.time()))

    def record_solution_seen(self, exercise: str) -> None:
        self._write("INSERT OR IGNORE INTO solutions_seen VALUES (?, ?)", (exercise, time.time()))

    # -- reads ------------------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.OperationalError:
                if self.read_only:  # a newer schema this query does not fit: nothing to show
                    return []
                raise

    def status(self, exercise: str, starter_hash: str = "") -> ExerciseStatus:
        """One exercise's standing (see `statuses`)."""
        row = self._rows("SELECT count(*), max(verdict = 'pass') FROM attempts "
                         "WHERE exercise=? AND code_hash!=?", (exercise, starter_hash))
        if not row or not row[0][0]:
            return ExerciseStatus.NOT_STARTED
        return ExerciseStatus.PASSED if row[0][1] else ExerciseStatus.ATTEMPTED

    def statuses(self, starter_hashes: Mapping[str, str] | None = None,
                 ) -> dict[str, ExerciseStatus]:
        """Each exercise with an attempt: attempted, or passed once an attempt passed. Attempts
        of the untouched starter (recorded by dltutor before it stopped recording them) are not
        attempts: pass `starter_hashes` (exercise -> `code_hash` of its starter) to skip them."""
        starters = starter_hashes or {}
        out: dict[str, ExerciseStatus] = {}
        for exercise, hashed, passed in self._rows(
                "SELECT exercise, code_hash, max(verdict = 'pass') FROM attempts "
                "GROUP BY exercise, code_hash"):
            if hashed == starters.get(exercise):
                continue
            if passed or out.get(exercise) is not ExerciseStatus.PASSED:
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

    def checkpoint_answers(self, lesson: str) -> dict[str, dict[str, str]]:
        """The latest answer at each checkpoint of `lesson` that has one: {checkpoint:
        {prediction, actual, verdict}}."""
        rows = self._rows("SELECT checkpoint, prediction, actual, verdict FROM checkpoint_answers "
                          "WHERE lesson=? ORDER BY at, id", (lesson,))
        return {r[0]: {"prediction": r[1], "actual": r[2], "verdict": r[3]} for r in rows}

    def last_exercise(self) -> str | None:
        """The exercise checked most recently (a check of the starter counts: it is where the
        learner was)."""
        rows = self._rows("SELECT exercise, at FROM attempts UNION ALL "
                          "SELECT exercise, at FROM last_results ORDER BY at DESC LIMIT 1")
        return rows[0][0] if rows else None

    def versions(self, exercise: str) -> list[Version]:
        """Every kept version of `exercise`, oldest first."""
        return [Version(number=int(n), digest=d, when=iso_time(at), verdict=verdict,
                        score=None if score is None else float(score), reason=reason)
                for n, d, at, verdict, score, reason in self._rows(
                    "SELECT number, digest, at, verdict, score, reason FROM versions "
                    "WHERE exercise=? ORDER BY number", (exercise,))]

    def latest_version(self, exercise: str, excluding: str | None = None) -> Version | None:
        """The version kept or checked most recently, other than the one with digest
        `excluding`."""
        rows = self._rows("SELECT number FROM versions WHERE exercise=? AND digest IS NOT ? "
                          "ORDER BY at DESC, number DESC LIMIT 1", (exercise, excluding))
        if not rows:
            return None
        return next((v for v in self.versions(exercise) if v.number == rows[0][0]), None)

    def version_content(self, exercise: str, number: int) -> bytes | None:
        rows = self._rows("SELECT content FROM versions JOIN blobs USING (digest) "
                          "WHERE exercise=? AND number=?", (exercise, number))
        return bytes(rows[0][0]) if rows else None

    def version_of(self, exercise: str, content_digest: str) -> Version | None:
        return next((v for v in self.versions(exercise) if v.digest == content_digest), None)

    def last_result(self, exercise: str) -> tuple[str, dict[str, Any]] | None:
        """The last check report of `exercise` (`CheckResult.to_dict()`) with the digest of the
        content it checked; None if there is none or it cannot be read."""
        rows = self._rows("SELECT digest, result FROM last_results WHERE exercise=?",
                          (exercise,))
        if not rows:
            return None
        try:
            doc = json.loads(rows[0][1])
        except ValueError:
            return None
        return (rows[0][0], doc) if isinstance(doc, dict) else None
