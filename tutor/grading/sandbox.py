"""Run a learner's function on case inputs in a freshly forked, limited child process.

This runs in the *zygote* (see `worker.py`): a process forked from the warm worker before any
reference value existed, so nothing a child can read in its own memory reveals an expected value.

The child:
  * gets its own process group, stdin from /dev/null, stdout+stderr into an unlinked temp file
    capped by RLIMIT_FSIZE (a print flood raises EFBIG instead of filling memory);
  * gets RLIMIT_AS (memory), RLIMIT_CPU (all threads) and RLIMIT_CORE=0;
  * runs as PID 1 of its own PID namespace where the kernel allows (no process outside is
    visible or reachable) and with no capabilities;
  * imports the learner's file, replaces forbidden shortcuts with functions that raise, and calls
    the exercise's `drive` (or the function itself) on each case;
  * sends back one length-prefixed frame per case, encoded by `codec` (plain data only), then a
    final frame, and leaves with `os._exit` at once.

The zygote enforces the wall clock (the child's process group is killed), reads frames rather
than waiting for EOF (a child's exit costs ~12 ms that nobody should wait for), and afterwards kills
every process descended from it, which catches a grandchild that escaped with `setsid()`.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import os
import resource
import select
import signal
import struct
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.grading import codec
from tutor.grading.privileges import drop_privileges, enter_pid_namespace
from tutor.grading.proctree import descendants

FRAME = struct.Struct("<Q")
MAX_FRAME = 256 * 1024 * 1024
OUTPUT_CAP = 1024 * 1024  #: bytes of stdout+stderr a learner may write before prints fail
OUTPUT_KEEP = 8 * 1024  #: bytes of it kept for the report


_KEEP_ALIVE: list[Any] = []


class SandboxLost(RuntimeError):
    """The zygote died mid-check (learner code killed its parent): the worker answers this check
    as a crash and exits, and the client starts a fresh worker (a new zygote cannot be forked from
    a worker that already holds expected values)."""


class ForbiddenShortcut(Exception):
    """Raised when learner code calls a function the exercise asks them to write themselves."""


@dataclass(frozen=True)
class SandboxRequest:
    file: str
    function: str
    check_path: str
    cases: list[bytes]  #: each case's inputs, codec-encoded
    timeout: float
    memory_mb: int
    forbidden: tuple[str, ...] = ()
    module_name: str = "submission"


@dataclass(frozen=True)
class SandboxResult:
    status: str  #: done | timeout | exited | too_big
    frames: list[bytes]
    output: bytes
    output_truncated: bool
    exit_code: int | None
    exit_signal: int | None
    elapsed: float


# --------------------------------------------------------------------------------------------
# The zygote's side


def run(request: SandboxRequest, *, cleanup: bool = True) -> SandboxResult:
    """Run the request in a fresh child. With `cleanup=False` the caller must call
    `kill_descendants()` afterwards (the zygote does, after replying, to keep it off the
    learner's wait)."""
    reap_zombies()
    read_fd, write_fd = os.pipe()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the child is gone
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_fd)
            _child(request, write_fd, out.fileno())
        finally:
            os._exit(70)
    os.close(write_fd)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass  # the child already did it, or is gone
    frames: list[bytes] = []
    status = _collect(read_fd, frames, start + request.timeout)
    os.close(read_fd)
    exit_code = exit_signal = None
    if status in ("exited",):
        exit_code, exit_signal = _wait_exit(pid, time.monotonic() + 0.5)
    try:
        os.killpg(pid, signal.SIGKILL)  # the child and its ordinary children, at once
    except (ProcessLookupError, PermissionError):
        pass
    if cleanup:
        kill_descendants()
    elapsed = time.monotonic() - start
    size = out.seek(0, os.SEEK_END)
    out.seek(0)
    output = out.read(OUTPUT_KEEP)
    out.close()
    return SandboxResult(status, frames, output, size > OUTPUT_KEEP, exit_code, exit_signal,
                         elapsed)


def _collect(fd: int, frames: list[bytes], deadline: float) -> str:
    buf = bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return "timeout"
        try:
            chunk = os.read(fd, 1 << 20)
        except OSError:
            chunk = b""
        if not chunk:
            return "exited"
        buf += chunk
        while len(buf) >= FRAME.size:
            (size,) = FRAME.unpack_from(buf)
            if size > MAX_FRAME:
                return "too_big"
            if len(buf) < FRAME.size + size:
                break
            frame = bytes(buf[FRAME.size : FRAME.size + size])
            del buf[: FRAME.size + size]
            if frame == b"DONE":
                return "done"
            frames.append(frame)


def _wait_exit(pid: int, deadline: float) -> tuple[int | None, int | None]:
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None, None
        if done:
            if os.WIFSIGNALED(status):
                return None, os.WTERMSIG(status)
            return os.WEXITSTATUS(status), None
        if time.monotonic() > deadline:
            return None, None  # still running with its result channel closed: killed below
        time.sleep(0.002)


def kill_descendants(deadline_s: float = 3.0) -> None:
    """SIGKILL every process below this one until none is left, reaping them.

    Orphans re-parent to us (we are a subreaper), so a grandchild that escaped its process group
    with setsid() is still found here."""
    me = os.getpid()
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        reap_zombies()
        tree = descendants(me)
        if not tree:
            return
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.0005)


def reap_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# --------------------------------------------------------------------------------------------
# The child's side


def _send(fd: int, payload: bytes) -> None:
    data = FRAME.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _limit_resources(request: SandboxRequest) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(request.timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_CAP, OUTPUT_CAP))
    try:
        with open("/proc/self/status") as fh:
            vm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
        limit = vm_kb * 1024 + request.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, StopIteration, ValueError):  # pragma: no cover
        pass


def _patch_forbidden(names: tuple[str, ...], originals: dict[int, Any],
                     learner: Any = None) -> None:
    """Replace forbidden callables by stubs that raise `ForbiddenShortcut`.

    Only modules already imported are patched (importing, say, scipy just to forbid one of its
    functions would cost every check ~200 ms): this runs once before the learner's file is
    imported and once after, and the second pass also replaces names the learner bound with
    `from module import name`."""
    for dotted in names:
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            owner: Any = sys.modules.get(".".join(parts[:cut]))
            if owner is None:
                continue
            try:
                for attr in parts[cut:-1]:
                    owner = getattr(owner, attr)
                original = getattr(owner, parts[-1])
            except AttributeError:
                break
            if id(original) in originals:
                break  # already a stub

            def stub(*_args: Any, _name: str = dotted, **_kwargs: Any) -> Any:
                raise ForbiddenShortcut(f"{_name} is off limits in this exercise: "
                                        "write it yourself")

            try:
                setattr(owner, parts[-1], stub)
            except (AttributeError, TypeError):
                break
            originals[id(original)] = stub
            originals[id(stub)] = stub
            _KEEP_ALIVE.append(original)  # its id must not be reused while we compare ids
            break
    if learner is not None:
        for key, value in list(vars(learner).items()):
            replacement = originals.get(id(value))
            if replacement is not None:
                setattr(learner, key, replacement)


def learner_traceback(exc: BaseException, learner_file: str) -> str:
    """The traceback cut down to the learner's own frames (plus the exception line)."""
    learner = os.path.realpath(learner_file)
    lines: list[str] = []
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.realpath(f.filename) == learner]
    if frames:
        lines.append("Traceback (your code):\n")
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)[-6000:]


def _error_payload(exc: BaseException, learner_file: str, stage: str) -> dict[str, Any]:
    mro = tuple(c.__name__ for c in type(exc).__mro__)
    message = str(exc)
    kind = "exception"
    if isinstance(exc, MemoryError) or (
        isinstance(exc, (RuntimeError, SystemError))
        and any(w in message.lower() for w in ("alloc", "out of memory", "memory", "mmap"))
    ):
        kind = "memory"
    elif isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        kind = "output_flood"
    elif isinstance(exc, SystemExit):
        kind = "exit"
    elif isinstance(exc, ForbiddenShortcut):
        kind = "forbidden"
    elif isinstance(exc, RecursionError):
        kind = "recursion"
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    return {"ok": False, "stage": stage, "kind": kind, "type": type(exc).__name__,
            "mro": list(mro), "message": message[:2000],
            "traceback": learner_traceback(exc, learner_file), "line": line}


def _to_plain(value: Any, depth: int = 0) -> Any:
    """Torch tensors to numpy; containers recursively. Anything else goes to the codec as is."""
    if depth > 20:
        return value
    mod = type(value).__module__
    if mod.startswith("torch") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        items = [_to_plain(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: _to_plain(v, depth + 1) for k, v in value.items()}
    return value


def load_trusted(path: str) -> Any:
    """Import a trusted file of an exercise (its check.py, a known-mistake file) under a unique
    name, cached in sys.modules until the file changes."""
    name = "dltutor_trusted_" + str(abs(hash(os.path.realpath(path))))
    mtime = os.stat(path).st_mtime_ns
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__dltutor_mtime__", None) == mtime:
        return cached
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    module.__dltutor_mtime__ = mtime  # type: ignore[attr-defined]
    return module


def default_drive(fn: Any, **inputs: Any) -> Any:
    return fn(**inputs)


def _child(request: SandboxRequest, result_fd: int, out_fd: int) -> None:
    os.setpgid(0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    keep = {0, 1, 2, result_fd}
    for fd in range(3, 256):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    _limit_resources(request)
    enter_pid_namespace()
    drop_privileges()

    def flush() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass

    check = load_trusted(request.check_path)
    drive = getattr(check, "drive", default_drive)
    originals: dict[int, Any] = {}
    _patch_forbidden(request.forbidden, originals)
    learner_dir = os.path.dirname(os.path.realpath(request.file))
    sys.path.insert(0, learner_dir)
    fn = None
    try:
        spec = importlib.util.spec_from_file_location(request.module_name, request.file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {request.file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[request.module_name] = module
        spec.loader.exec_module(module)
        _patch_forbidden(request.forbidden, originals, module)
        fn = getattr(module, request.function, None)
        if fn is None or not callable(fn):
            raise AttributeError(f"{Path(request.file).name} does not define a function "
                                 f"named {request.function}")
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import too
        flush()
        _send(result_fd, codec.encode(_error_payload(exc, request.file, "import")))
        _send(result_fd, b"DONE")
        os._exit(0)
    for enc in request.cases:
        inputs = codec.decode(enc)
        try:
            value = _to_plain(drive(fn, **inputs))
            payload = codec.encode({"ok": True, "value": value})
        except codec.CodecError as exc:
            payload = codec.encode({"ok": False, "stage": "return", "kind": "unsendable",
                                    "type": "TypeError", "mro": ["TypeError"],
                                    "message": str(exc), "traceback": "", "line": None})
        except BaseException as exc:  # noqa: BLE001
            payload = codec.encode(_error_payload(exc, request.file, "call"))
        flush()
        _send(result_fd, payload)
    flush()
    _send(result_fd, b"DONE")
    os._exit(0)
