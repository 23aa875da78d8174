"""Regrade only what changed: a check's result, kept on disk under what it depends on.

Grading a class again after one late submission, a fixed typo in one check.py or a new points
scheme re-ran every check. A check's result depends only on:

- the exercise: the bytes of every file of its folder (exercise.toml, check.py with the
  reference, drive.py, the known mistakes), and its id;
- the submission file: its bytes, and its path inside the submission (tracebacks name it);
- the cases: the hidden seed (hashed) or `public`; the timeout;
- the grader: dltutor's, torch's, numpy's and Python's versions, and the isolation level;

so `RegradeCache.key` hashes exactly those (SHA-256) and the result is stored under that key as
JSON (`CheckResult.to_dict`, exact). Points, names and visibility are not in the key: they are
applied to the result afterwards (`batch._grade`), so changing them regrades nothing. Reports
built from cached results are byte for byte those of a fresh run (JSON and text carry no
durations; a cached result keeps the duration of the run that made it).

What is never stored: timeouts and crashes (they can depend on how loaded the machine was) and a
check the grader itself failed. An entry that does not read back (truncated, edited, another
format) is ignored and regraded. Entries are written atomically, mode 0600, in folders of mode
0700 (`tutor.atomic.write_atomic`). A cache that cannot be written never stops grading: it says
why once (`problem`) and grading goes on without it.

Learner code must not be able to write the cache (it could plant a "pass" for a later run), so
`dltutor grade` uses it by default only where the jail hides the grader's files from the code or
runs it as another user (`usable_with`).

Headless: imports neither textual nor torch (torch's version comes from its package metadata)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tutor.course.model import Exercise
from tutor.grading.results import CheckResult, Verdict

FORMAT = 1
MAX_ENTRY_BYTES = 8 * 1024 * 1024
UNCACHED_VERDICTS = (Verdict.TIMEOUT, Verdict.CRASH, Verdict.MISSING)
#: the start of the message of a check dltutor itself failed (`batch._check`)
GRADER_FAILED = "dltutor failed while grading"
_SKIP_DIRS = {"__pycache__", ".git"}


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$DLTUTOR_HOME/.dltutor/grade-cache` when DLTUTOR_HOME is set, else `grade` in the user
    cache directory (platformdirs: `~/.cache/dltutor/grade` on Linux)."""
    env = os.environ if environ is None else environ
    home = env.get("DLTUTOR_HOME")
    if home:
        return Path(home).expanduser() / ".dltutor" / "grade-cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dltutor", appauthor=False)) / "grade"


def usable_with(layers: Mapping[str, bool]) -> bool:
    """Whether learner code is kept away from the grader's files: a mount namespace (the code
    sees none of them) or another uid (it cannot write a 0700 folder)."""
    return bool(layers.get("mount") or layers.get("uid"))


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "none"


def grader_versions() -> dict[str, str]:
    """What a result depends on besides its inputs, read without importing torch."""
    from tutor import __version__

    return {"dltutor": __version__, "torch": _version("torch"), "numpy": _version("numpy"),
            "python": platform.python_version()}


def exercise_digest(exercise: Exercise) -> str:
    """SHA-256 over every file of the exercise's folder (names and bytes, in a fixed order)."""
    digest = hashlib.sha256()
    root = exercise.directory
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
            digest.update(len(rel).to_bytes(4, "big") + rel)
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def cacheable(result: CheckResult) -> bool:
    return result.verdict not in UNCACHED_VERDICTS and not result.message.startswith(GRADER_FAILED)


class RegradeCache:
    """Check results on disk, by key. `read=False` (`--no-cache`): every check runs again, and
    the cache is refreshed with the new results. Thread-safe."""

    def __init__(self, folder: Path, *, read: bool = True, context: str = "") -> None:
        self.folder = Path(folder).expanduser()
        self.read = read
        self.context = context  #: e.g. the isolation level: results under another never mix
        self.looked = 0  #: checks a result was looked up for
        self.hits = 0  #: ... and found
        self.corrupt = 0  #: entries that did not read back (regraded)
        self.problem = ""  #: why the cache could not be written, if it could not
        self._versions = grader_versions()
        self._exercises: dict[Path, str] = {}
        self._lock = threading.Lock()

    # -- keys --------------------------------------------------------------------------------

    def key(self, exercise: Exercise, relpath: str, content: bytes, seed: int | None,
            timeout: float | None, prerequisites: str = "") -> str:
        """The SHA-256 (hex) of everything the result of checking `content` depends on.
        `prerequisites`: for an exercise that builds on others, the digest of their reference
        solutions and of the learner's own files of them (`chain.inputs_digest`)."""
        with self._lock:
            digest = self._exercises.get(exercise.directory)
            if digest is None:
                digest = self._exercises[exercise.directory] = exercise_digest(exercise)
        cases = "public" if seed is None else \
            "hidden:" + hashlib.sha256(str(seed).encode()).hexdigest()
        fields = {"format": FORMAT, "exercise": exercise.id, "exercise_files": digest,
                  "file": relpath, "content": hashlib.sha256(content).hexdigest(),
                  "cases": cases, "timeout": timeout, "context": self.context,
                  **self._versions,
                  **({"prerequisites": prerequisites} if prerequisites else {})}
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def key_for(self, exercise: Exercise, folder: Path, path: Path, seed: int | None,
                timeout: float | None) -> str | None:
        """The key of checking the file at `path` of the submission `folder` (read as the
        grader reads it); None when it cannot be read: the check then says why, uncached."""
        from tutor.grading.notebook import SUFFIX, NotebookError, read_notebook
        from tutor.grading.submission import SubmissionError, read_submission

        try:
            content = read_notebook(path, folder) if path.name.endswith(SUFFIX) \
                else read_submission(path, folder)
        except (NotebookError, SubmissionError, OSError):
            return None
        from tutor.grading.chain import inputs_digest

        return self.key(exercise, path.relative_to(folder).as_posix(), content, seed, timeout,
                        inputs_digest(exercise, path.parent, folder))

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    # -- reading and writing -----------------------------------------------------------------

    def get(self, key: str) -> CheckResult | None:
        """The stored result, or None (not stored, not readable, or `read` is off)."""
        with self._lock:
            self.looked += 1
        if not self.read:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        try:
            if len(data) > MAX_ENTRY_BYTES:
                raise ValueError("too large")
            doc = json.loads(data)
            if doc.get("format") != FORMAT or doc.get("key") != key:
                raise ValueError("another key or format")
            result = CheckResult.from_dict(doc["result"])
        except Exception:  # noqa: BLE001 - whatever is wrong with an entry, grade again
            with self._lock:
                self.corrupt += 1
            return None
        with self._lock:
            self.hits += 1
        return result

    def put(self, key: str, result: CheckResult) -> bool:
        """Store `result` under `key` (atomically); False when it is not stored."""
        if not cacheable(result) or self.problem:
            return False
        from tutor.atomic import write_atomic

        stored = result.to_dict()
        stored["duration_ms"] = result.duration_ms  # exact, not rounded: the same reports
        doc = {"format": FORMAT, "key": key, "result": stored}
        # key order kept (a mismatch is a free-form dict the reports show in order); ASCII: a lone
        # surrogate in learner output round-trips
        text = json.dumps(doc, ensure_ascii=True)
        path = self._path(key)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)
            write_atomic(path, text, mode=0o600)
        except OSError as exc:
            with self._lock:
                self.problem = self.problem or \
                    f"cannot write the regrade cache {self.folder}: {exc.strerror or exc}"
            return False
        return True

    # -- what happened -----------------------------------------------------------------------

    def summary(self) -> str:
        """`regraded K of N checks (M unchanged, from the cache)`."""
        return (f"regraded {self.looked - self.hits} of {self.looked} "
                f"check{'s' if self.looked != 1 else ''} ({self.hits} unchanged, from the cache)")

    def stats(self) -> dict[str, Any]:
        return {"looked": self.looked, "hits": self.hits, "corrupt": self.corrupt}
