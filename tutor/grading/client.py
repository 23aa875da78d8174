"""`Grader`: the handle the CLI, the TUI and batch grading use to reach a grading worker.

Importing this module imports neither torch nor textual. The worker starts in the background
(`start()` returns at once; the first `check` waits for it to be ready, ~2-3 s), stays warm, and
is restarted transparently if it dies. `close()` ends it and everything it started."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tutor.course.model import Exercise
from tutor.grading.isolation import Isolation
from tutor.grading.proctree import descendants
from tutor.grading.results import CheckResult, Verdict
from tutor.grading.snippet import SnippetResult
from tutor.grading.worker import THREAD_VARS

STARTUP_TIMEOUT = 180.0


BOOTSTRAP = ("import sys; sys.path.append(sys.argv[1]); "
             "from tutor.grading.worker import main; sys.exit(main())")
WORKER_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH",
              "SYSTEMROOT")
WORKER_ENV_PREFIXES = ("LC_", "OPENBLAS_", "MKL_", "OMP_", "KMP_", "DLTUTOR_JAIL_",
                       "DLTUTOR_SANDBOX_")


def _source_root() -> str:
    """The folder holding the `tutor` package this process runs (appended to the worker's
    sys.path, after site-packages, so a source checkout works uninstalled too)."""
    return str(Path(__file__).resolve().parent.parent.parent)


def worker_environment(extra: dict[str, str]) -> dict[str, str]:
    """The worker's whole environment: locale, library settings and the jail's switches.
    Never DLTUTOR_SEED or the variable a set names for its seed."""
    env = {k: v for k, v in os.environ.items()
           if k in WORKER_ENV or k.startswith(WORKER_ENV_PREFIXES)}
    for var in THREAD_VARS:
        env[var] = "1"
    env["DLTUTOR_PARENT_PID"] = str(os.getpid())
    env.update(extra)
    return env


def read_tail(log: Any) -> str:
    """The last 1500 characters a worker wrote to its log file; "" when none (or no file)."""
    try:
        log.seek(0)
        return str(log.read().decode("utf-8", "replace").strip()[-1500:])
    except (OSError, ValueError, AttributeError):
        return ""


class GraderError(RuntimeError):
    """The worker could not start or answer; the message says what happened. `mid_request` is
    set when a ready worker died while handling the request (what the checked code can cause)."""

    mid_request = False


class Grader:
    def __init__(self, python: str | None = None, env: dict[str, str] | None = None) -> None:
        self._python = python or sys.executable
        self._extra_env = dict(env or {})  #: set for every worker this grader starts
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._lock = threading.RLock()
        self._ready = False
        self._next_id = 0
        self._closes = 0  #: bumped by close(); a request in flight when it changes is not retried
        self._isolation: Isolation | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the worker if it is not running. Returns without waiting for it."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _terminate
            # `-I`: neither the caller's cwd (a dropped numpy.py or sitecustomize.py) nor any
            # PYTHON* variable reaches the trusted worker; its environment is an allow-list, so
            # a secret (the hidden seed) reaches it only over its pipe.
            self._proc = subprocess.Popen(
                [self._python, "-I", "-B", "-c", BOOTSTRAP, _source_root()],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                env=worker_environment(self._extra_env), cwd="/", start_new_session=True,
                close_fds=True)
            self._ready = False

    def _read_line(self, deadline: float) -> dict[str, Any]:
        assert self._proc and self._proc.stdout
        fd = self._proc.stdout.fileno()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise GraderError("the grading worker did not answer in time")
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if ready:
                line = self._proc.stdout.readline()
                if not line:
                    raise GraderError("the grading worker stopped: " + self._log_tail())
                try:
                    return json.loads(line)
                except ValueError:
                    continue
            elif self._proc.poll() is not None:
                raise GraderError("the grading worker stopped: " + self._log_tail())

    def _log_tail(self) -> str:
        return read_tail(self._log) or "(no message)"

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        with self._lock:
            self.start()
            if not self._ready:
                reply = self._read_line(time.monotonic() + timeout)
                if not reply.get("ready"):
                    raise GraderError(f"unexpected first message from the worker: {reply}")
                self._isolation = Isolation.from_dict(reply["isolation"])
                self._ready = True
                if getattr(self._proc, "pid", 0) is None:  # a lane (pool.py) says its pids here
                    self._proc.pid = int(reply["pid"])  # type: ignore[union-attr]
                    self._proc.zygotes = tuple(reply.get("zygotes", ()))  # type: ignore[union-attr]

    def isolation(self) -> Isolation:
        """The jail layers every check of this grader gets (starts the worker if needed)."""
        with self._lock:
            self.wait_ready()
            assert self._isolation is not None
            return self._isolation

    def close(self) -> None:
        """End the worker, its zygote and any check in flight. Safe to call twice, and from
        another thread while a check is in flight (a UI quitting mid-check): the worker tree is
        killed at once, without waiting for the check's lock, and that check then fails with
        `GraderError` instead of starting a new worker."""
        self._closes += 1
        proc = self._proc  # read without the lock: a check in flight holds it for seconds
        if proc is not None:
            _kill_tree(proc)
        self._terminate()

    def _terminate(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
            self._ready = False
        if proc is None:
            return
        _kill_tree(proc)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> Grader:  # noqa: PYI034
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------

    def _request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        with self._lock:
            closes = self._closes
            for attempt in (1, 2):
                sent = False
                try:
                    self.wait_ready()
                    assert self._proc and self._proc.stdin
                    self._next_id += 1
                    payload["id"] = self._next_id
                    self._proc.stdin.write(json.dumps(payload).encode() + b"\n")
                    self._proc.stdin.flush()
                    sent = True
                    reply = self._read_line(time.monotonic() + timeout)
                    return reply
                except (GraderError, BrokenPipeError, OSError, ValueError) as exc:
                    self._terminate()
                    if closes != self._closes:
                        raise GraderError("the grader was closed during the check") from None
                    if attempt == 2:
                        error = GraderError(str(exc))
                        error.mid_request = sent
                        raise error from None
            raise AssertionError("unreachable")

    def check(self, exercise: Exercise, file: Path, *, seed: int | None = None,
              hidden: bool = False, timeout: float | None = None,
              confine: Path | None = None) -> CheckResult:
        """Grade `file` against `exercise`. Never raises for anything the learner wrote.

        `confine`: grading someone else's folder: the file must be a regular file inside it.
        The one retry policy: a worker that dies while checking is restarted and the check
        tried once more (`_request`); a second death is put down to the file (verdict crash)."""
        file = Path(os.path.abspath(file))
        if not file.is_file():
            return missing_result(exercise, file)
        limit = (timeout or exercise.timeout) + 120.0
        try:
            reply = self._request({"op": "check", "exercise_dir": str(exercise.directory),
                                   "solutions_dir": str(exercise.solution_path.parent)
                                   if exercise.solution_path else None,
                                   "file": str(file), "seed": seed, "hidden": hidden,
                                   "timeout": timeout,
                                   "confine": str(confine) if confine else None}, limit)
        except GraderError as exc:
            if not exc.mid_request:
                raise
            # A ready worker died twice while running this file: the file did it.
            return CheckResult(
                exercise=exercise.id, verdict=Verdict.CRASH, score=0.0, cases_passed=0,
                cases_total=0, duration_ms=0.0,
                message="the grading worker stopped while checking this file (does it kill "
                        "its parent processes?); it was restarted")
        if not reply.get("ok"):
            raise GraderError(f"the exercise {exercise.id} could not be checked: "
                              f"{reply.get('error')}\n{reply.get('traceback', '')}")
        return CheckResult.from_dict(reply["result"])

    def case(self, exercise: Exercise, number: int) -> dict[str, Any]:
        """Public case `number` (1-based, default seed) exactly as `check` runs it: `label`,
        `inputs` (keyword arguments), `expected` (the reference's value, or `Raised` when the
        function must raise), `rtol`, `atol`, `cases_total`. Never a hidden case.
        Raises `IndexError` (naming how many cases there are) for a number out of range."""
        import base64

        from tutor.grading import codec
        from tutor.grading.compare import Raised

        reply = self._request({"op": "case", "exercise_dir": str(exercise.directory),
                               "solutions_dir": str(exercise.solution_path.parent)
                               if exercise.solution_path else None, "number": number}, 300.0)
        if not reply.get("ok"):
            raise GraderError(f"{exercise.id}: {reply.get('error')}\n"
                              f"{reply.get('traceback', '')}")
        total = int(reply["cases_total"])
        found = reply.get("case")
        if not found:
            raise IndexError(f"{exercise.id} has {total} cases: choose a case from 1 to {total}")
        expected: Any = (Raised(str(found["raises"])) if "raises" in found
                         else codec.decode(base64.b64decode(found["expected"])))
        return {"number": int(found["number"]), "cases_total": total,
                "label": str(found.get("label", "")), "rtol": float(found["rtol"]),
                "atol": float(found["atol"]),
                "inputs": codec.decode(base64.b64decode(found["inputs"])), "expected": expected}

    def run_snippet(self, code: str, *, expect: str | None = None,
                    timeout: float | None = None,
                    protected: tuple[Path, ...] = ()) -> SnippetResult:
        """Run lesson code (a runnable block, a checkpoint, a scratch edit) in the jail, as a
        learner's file is run: it sees neither the course nor the `protected` folders (packs,
        the workspace). `expect`: the kind of its `answer` to return (see `snippet.value_of`).
        Never raises for anything the code does; a worker that dies twice is a crash."""
        from tutor.grading.snippet import DEFAULT_TIMEOUT

        limit = (timeout or DEFAULT_TIMEOUT) + 120.0
        try:
            reply = self._request({"op": "run_snippet", "code": code, "expect": expect,
                                   "timeout": timeout or DEFAULT_TIMEOUT,
                                   "protected": [str(p) for p in protected]}, limit)
        except GraderError as exc:
            if not exc.mid_request:
                raise
            return SnippetResult("crash", error="the grading worker stopped while running this "
                                                "code; it was restarted")
        if not reply.get("ok"):
            raise GraderError(f"the code could not be run: {reply.get('error')}")
        return SnippetResult.from_dict(reply["snippet"])

    def audit(self, exercise: Exercise, seed: int | None = None) -> dict[str, Any]:
        reply = self._request({"op": "audit", "exercise_dir": str(exercise.directory),
                               "seed": seed}, 300.0)
        if not reply.get("ok"):
            raise GraderError(f"{exercise.id}: {reply.get('error')}\n{reply.get('traceback', '')}")
        return reply["audit"]


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the worker, its process group, and every process below it. Checks run in children
    with their own process groups, so killing the worker's group alone would orphan a check in
    flight (a learner's `while True: sleep()` would outlive the app)."""
    if proc.poll() is not None or proc.pid is None:  # a lane that never said its pid: the
        return  # pool ends it with its template
    for pid in descendants(proc.pid):  # first: once the worker dies they are re-parented away
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


def missing_result(exercise: Exercise, file: Path) -> CheckResult:
    return CheckResult(
        exercise=exercise.id, verdict=Verdict.MISSING, score=0.0, cases_passed=0,
        cases_total=0, duration_ms=0.0,
        message=f"no file to grade: {file} does not exist")
