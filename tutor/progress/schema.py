"""The progress database's schema, as an ordered list of migrations.

The schema version lives in the database header (`PRAGMA user_version`). `MIGRATIONS[i]` takes a
database from version i to i + 1, so the newest version this dltutor knows is `LATEST`. Opening a
database applies the missing steps in order, each in its own transaction (a second process
opening the same file at the same moment waits, then finds the work done).

Adding a step: append to `MIGRATIONS`, never edit one that has shipped, and only *add* (tables,
indexes, columns with a default). An older dltutor then still understands a newer file well
enough to read it: it opens it read-only, with a notice, and never moves it aside or writes it.

`meta.schema` is the version marker of the first releases, which move aside as corrupt any file
whose marker is above 1. It stays '1' for good, so those releases keep working on a file that a
newer one migrated (every step only adds)."""

from __future__ import annotations

import sqlite3

#: version 0 -> 1: the first schema (a file from before `user_version` already has these tables,
#: so every statement is idempotent)
V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('schema', '1');
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

#: version 1 -> 2: every version of the learner's code that was checked or replaced (reset,
#: restore), content-addressed (one blob per distinct content, shared by all exercises), and the
#: last check report of each exercise (`CheckResult.to_dict()` as JSON)
V2 = """
CREATE TABLE IF NOT EXISTS blobs (digest TEXT PRIMARY KEY, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    exercise TEXT NOT NULL,
    digest TEXT NOT NULL,
    number INTEGER NOT NULL,
    at REAL NOT NULL,
    reason TEXT NOT NULL,
    verdict TEXT,
    score REAL,
    PRIMARY KEY (exercise, digest),
    UNIQUE (exercise, number)
);
CREATE TABLE IF NOT EXISTS last_results (
    exercise TEXT PRIMARY KEY, at REAL NOT NULL, digest TEXT NOT NULL, result TEXT NOT NULL
);
"""

#: version 2 -> 3: "predict, then run": every prediction a learner made at a lesson's checkpoint,
#: beside the value the lesson's code computed (as shown), and its verdict (right, close, wrong)
V3 = """
CREATE TABLE IF NOT EXISTS checkpoint_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lesson TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    prediction TEXT NOT NULL,
    actual TEXT NOT NULL,
    verdict TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoint_answers_lesson ON checkpoint_answers (lesson);
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
LATEST = len(MIGRATIONS)


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    """Bring `db` (autocommit mode) up to `LATEST`, one step per transaction. The caller has
    made sure the file is not newer than `LATEST`."""
    for target in range(1, LATEST + 1):
        if schema_version(db) >= target:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(db) < target:  # another process may have done it meanwhile
                for statement in _statements(MIGRATIONS[target - 1]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """The statements of a migration script (ours: no `;` inside a statement), run one by one
    so they stay in the caller's transaction (`executescript` would commit first)."""
    return [s.strip() for s in script.split(";") if s.strip()]
