"""The child's side of a check: build the jail, run the learner's function on each case, send
plain-data frames back, leave with `os._exit`.

Runs in a process forked from the zygote, which holds no expected value and no exercise code but
the exercise's drive.py (what calls the learner's function; no cases, no reference). The
learner's source arrives in memory, read by the trusted side: the child never opens a path of the
grader's. Forbidden shortcuts are replaced by functions that raise; that is advisory (PyTorch
keeps its own references to every kernel), and the trusted side also scans the source."""

from __future__ import annotations

import errno
import faulthandler
import fcntl
import linecache
import marshal
import os
import resource
import signal
import sys
import traceback
import types
from dataclasses import dataclass
from typing import Any

from tutor.grading import codec, jail, protocol, signals
from tutor.grading.privileges import drop_privileges
from tutor.grading.protocol import SandboxRequest
from tutor.grading.trusted import default_drive

OUTPUT_CAP = 1024 * 1024  #: bytes of stdout+stderr (and of any one file) learner code may write


class ForbiddenShortcut(Exception):
    """Raised when learner code calls a function the exercise asks them to write themselves."""


def run_child(plan: jail.Plan, fds: ChildFds, workdir: str,
              cloned: tuple[int, int] | None = None) -> None:
    """Never returns. Builds the jail, then waits for its request on the request pipe (the
    zygote forks this child ahead of time, while idle: the check's clock starts when the
    request is sent). What only the grader may say (the jail is up, or why not; the exercise's
    drive.py failed) goes on the status pipe, which is closed before learner code runs, so
    learner code cannot forge it on the result pipe.

    `cloned`: this process was created in its namespaces by `clone()` (one process, PID 1
    inside); the grader's (uid, gid) for the user namespace's map. Otherwise it unshares them
    here and forks once more (the PID namespace holds only children)."""
    try:
        _setup_process(fds)
        uid = jail.jail_uid()  # from our host PID, before a PID namespace renumbers us
        try:
            jail.enter_namespaces(plan, cloned)
        except (jail.JailError, OSError) as exc:
            _status(f"jail:{exc}")
        if plan.namespaces and cloned is None:
            _fork_into_namespace()
        try:
            if plan.mount:
                jail.build_filesystem(plan, uid)
                workdir = "/tmp"
            else:
                jail.own(workdir, plan, uid)
                os.chdir(workdir)
            jail.drop_identity(plan, uid)
            drop_privileges()
            if plan.signals:
                signals.install()
            jail.limit_processes(plan)
            jail.clean_environment(workdir)
        except (jail.JailError, OSError) as exc:
            _status(f"jail:{exc}")
        # a fatal signal leaves its name and the Python stack in the output (see crashdump.py);
        # enabled while the child waits for its request, off the learner's wait
        faulthandler.enable(file=sys.stderr, all_threads=False)
        request = _read_request()
        _limit_resources(request)
        try:
            drive = _driver(request)
        except BaseException as exc:  # noqa: BLE001 - the exercise's bug, not the learner's
            _status(f"driver:the exercise's drive.py failed: {exc!r}")
        os.write(STATUS_FD, b"ok")
        os.close(STATUS_FD)
        _run_learner(request, drive)
    except BaseException:  # noqa: BLE001 - a bug of the grader's: say what it was
        traceback.print_exc()
    finally:
        os._exit(70)


@dataclass(frozen=True)
class ChildFds:
    """The zygote's ends for a child: where its output goes, and its three pipes."""

    out: int
    result: int
    request: int
    status: int


def _status(text: str) -> None:
    """Tell the zygote why the check cannot run, and leave."""
    os.write(STATUS_FD, text.encode()[:2000])
    os._exit(0)


def _read_request() -> SandboxRequest:
    chunks = []
    while True:
        chunk = os.read(REQUEST_FD, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(REQUEST_FD)
    if not chunks:  # the zygote went away without sending one
        os._exit(0)
    return SandboxRequest.decode(b"".join(chunks))


def _setup_process(fds: ChildFds) -> None:
    """A session of its own, and exactly these descriptors: 0 /dev/null, 1 and 2 the capped
    output file, 3 the result pipe, 4 the request pipe, 5 the status pipe."""
    os.setsid()  # its own session and process group: no controlling terminal
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    # lift the three out of the way first, so no dup2 below clobbers another
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100)
            for fd in (fds.out, fds.result, fds.request, fds.status)]
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(high[0], 1)
    os.dup2(high[0], 2)
    os.dup2(high[1], RESULT_FD)
    os.dup2(high[2], REQUEST_FD)
    os.dup2(high[3], STATUS_FD)
    os.closerange(STATUS_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_CAP, OUTPUT_CAP))
    global _VM_BYTES  # read before the jail: its /proc may not exist
    try:
        with open("/proc/self/status") as fh:
            _VM_BYTES = 1024 * next(int(line.split()[1]) for line in fh
                                    if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):  # pragma: no cover - not Linux
        _VM_BYTES = 0


_VM_BYTES = 0


def _limit_resources(request: SandboxRequest) -> None:
    """The limits that depend on the exercise: CPU seconds and address space (on top of what
    the preloaded libraries already reserve)."""
    cpu = int(request.timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if _VM_BYTES:
        limit = _VM_BYTES + request.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


RESULT_FD = 3
REQUEST_FD = 4
STATUS_FD = 5


def _fork_into_namespace() -> None:
    """The PID namespace holds only children: fork once. The child returns (as PID 1) and runs
    the check; this process waits and leaves exactly as the check did (same exit code, or the
    same signal), so the zygote's verdicts do not change. When PID 1 exits, the kernel kills
    whatever it left in the namespace."""
    pid = os.fork()
    if pid == 0:
        return
    os.close(RESULT_FD)  # only the check writes results: EOF means it is gone
    os.close(STATUS_FD)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    if os.WIFSIGNALED(status):
        died_of = os.WTERMSIG(status)
        try:
            signal.signal(died_of, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL, SIGSTOP: their default action cannot be changed anyway
        os.kill(os.getpid(), died_of)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


# -- the learner's code -----------------------------------------------------------------------


def _stub(dotted: str) -> Any:
    def stub(*_args: Any, **_kwargs: Any) -> Any:
        raise ForbiddenShortcut(f"{dotted} is off limits in this exercise: write it yourself")

    stub.__dltutor_stub__ = True  # type: ignore[attr-defined]
    return stub


def patch_forbidden(names: tuple[str, ...], learner: Any = None) -> None:
    """Replace forbidden callables in loaded modules by stubs that raise `ForbiddenShortcut`.

    Runs before the learner's file is imported (so `from torch import relu` binds the stub) and
    after (for modules the file imported itself, whose names it bound are replaced too). The
    originals are not kept anywhere of ours; PyTorch still holds its own references to its
    kernels, so this is advisory, and the trusted side scans the source as well."""
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
            if getattr(original, "__dltutor_stub__", False):
                break
            stub = _stub(dotted)
            try:
                setattr(owner, parts[-1], stub)
            except (AttributeError, TypeError):
                break
            if learner is not None:
                for key, value in list(vars(learner).items()):
                    if value is original:
                        setattr(learner, key, stub)
            del original
            break


def learner_traceback(exc: BaseException, learner_file: str | frozenset[str]) -> str:
    """The traceback cut down to the learner's own frames (plus the exception line): those of
    `learner_file`, or of any of the files in a set of them (the chained run's prerequisites)."""
    files = learner_file if isinstance(learner_file, frozenset) else frozenset((learner_file,))
    lines: list[str] = []
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    if frames:
        lines.append("Traceback (your code):\n")
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)[-6000:]


def error_payload(exc: BaseException, learner_file: str | frozenset[str],
                  stage: str) -> dict[str, Any]:
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
    line = exc.lineno if isinstance(exc, SyntaxError) else None
    return protocol.CaseError(
        stage, kind, type(exc).__name__, tuple(c.__name__ for c in type(exc).__mro__),
        message[:2000], learner_traceback(exc, learner_file),
        line if isinstance(line, int) else None).to_dict()


def to_plain(value: Any, depth: int = 0) -> Any:
    """Torch tensors to numpy; containers recursively. Anything else goes to the codec as is."""
    if depth > 20:
        return value
    mod = type(value).__module__
    if mod.startswith("torch") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        items = [to_plain(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: to_plain(v, depth + 1) for k, v in value.items()}
    return value


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _import_learner(request: SandboxRequest) -> Any:
    name = request.filename
    text = request.source.decode("utf-8", "replace")
    linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    code = compile(request.source, name, "exec", dont_inherit=True)
    module = types.ModuleType(request.module_name)
    module.__file__ = name
    sys.modules[request.module_name] = module
    exec(code, module.__dict__)  # noqa: S102 - this is the learner's code, in the jail
    return module


def _install_prerequisites(request: SandboxRequest) -> None:
    """The prerequisite modules, dependencies first, each in `sys.modules` under its exercise
    id before the learner's file imports it. A reference arrives as a marshalled code object
    (compiled on the trusted side from the solution: no source text, so `inspect.getsource`
    finds nothing to print); a learner's own file as source, compiled here under its name, its
    forbidden shortcuts patched like the submission's, and, in the chained run, its function
    wrapped to record each call (`_recorded`)."""
    for spec in request.prerequisites:
        module = types.ModuleType(spec.name)
        sys.modules[spec.name] = module
        if spec.source:
            text = spec.source.decode("utf-8", "replace")
            linecache.cache[spec.filename] = (len(text), None, text.splitlines(True),
                                              spec.filename)
            module.__file__ = spec.filename
            code = compile(spec.source, spec.filename, "exec", dont_inherit=True)
        else:
            code = marshal.loads(spec.code)  # compiled by the trusted side: trusted bytes
        exec(code, module.__dict__)  # noqa: S102 - a reference, or the learner's own, jailed
        if spec.source:
            patch_forbidden(request.forbidden, module)
            fn = getattr(module, spec.function, None)
            if request.record and callable(fn):
                setattr(module, spec.function, _recorded(spec.name, fn, request.filename))


_CALLS: list[dict[str, Any]] | None = None  #: the current case's recorded calls, when recording
_CALL_BYTES = 4 * 1024 * 1024  #: recorded inputs and outputs, per case


def _caller(learner_file: str) -> tuple[int | None, str]:
    """The line and function of the learner's own file the current call came from."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename != learner_file:
        frame = frame.f_back  # type: ignore[assignment]
    return (frame.f_lineno, frame.f_code.co_name) if frame is not None else (None, "")


def _snapshot(value: Any) -> bytes | None:
    try:
        return codec.encode(to_plain(value))
    except Exception:  # noqa: BLE001 - an input we cannot send: the call is not replayed
        return None


def _recorded(name: str, fn: Any, learner_file: str) -> Any:
    """`fn` (a learner's prerequisite) recording each call of a case: its inputs before the call
    (so an in-place change cannot rewrite them), what it returned or raised, whether it changed
    an input in place. Recording stops at `protocol.MAX_CALLS` calls or `_CALL_BYTES` bytes a
    case; the learner's code sees the same values and exceptions either way."""

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls = _CALLS
        if calls is None or len(calls) >= protocol.MAX_CALLS:
            return fn(*args, **kwargs)
        line, caller = _caller(learner_file)
        before = _snapshot({"args": list(args), "kwargs": kwargs})
        entry: dict[str, Any] = {"function": name, "line": line, "caller": caller[:200],
                                 "inputs": before, "value": None, "raised": "", "message": "",
                                 "mutated": False}
        try:
            out = fn(*args, **kwargs)
        except BaseException as exc:
            entry["raised"], entry["message"] = type(exc).__name__[:200], str(exc)[:2000]
            _keep(calls, entry)
            raise
        entry["value"] = _snapshot(out)
        entry["mutated"] = before is not None and \
            _snapshot({"args": list(args), "kwargs": kwargs}) != before
        _keep(calls, entry)
        return out

    recorded.__wrapped__ = fn  # type: ignore[attr-defined]
    recorded.__name__ = getattr(fn, "__name__", name)
    recorded.__doc__ = getattr(fn, "__doc__", None)
    return recorded


def _keep(calls: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Add a call to the case's record; past the byte budget, without its values."""
    used = sum(len(c["inputs"] or b"") + len(c["value"] or b"") for c in calls)
    if used + len(entry["inputs"] or b"") + len(entry["value"] or b"") > _CALL_BYTES:
        entry["inputs"] = entry["value"] = None
    calls.append(entry)


def _driver(request: SandboxRequest) -> Any:
    """The exercise's drive.py, from the source the worker sent (the jail hides the file)."""
    if not request.driver_source:
        return default_drive
    module = types.ModuleType("dltutor_driver")
    module.__file__ = request.driver_path
    exec(compile(request.driver_source, request.driver_path, "exec", dont_inherit=True),  # noqa: S102
         module.__dict__)
    return module.drive


def _run_learner(request: SandboxRequest, drive: Any) -> None:
    global _CALLS
    result_fd = RESULT_FD
    patch_forbidden(request.forbidden)
    files = frozenset((request.filename, *(m.filename for m in request.prerequisites
                                           if m.source)))
    try:
        _install_prerequisites(request)
        module = _import_learner(request)
        patch_forbidden(request.forbidden, module)
        fn = getattr(module, request.function, None)
        if fn is None or not callable(fn):
            raise AttributeError(f"{os.path.basename(request.filename)} does not define a "
                                 f"function named {request.function}")
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import too
        _flush()
        protocol.write_frame(result_fd, codec.encode(error_payload(exc, files, "import")))
        protocol.write_frame(result_fd, protocol.DONE)
        os._exit(0)
    for enc in request.cases:
        inputs = codec.decode(enc)
        _CALLS = [] if request.record else None
        try:
            reply: dict[str, Any] = {"ok": True, "value": to_plain(drive(fn, **inputs))}
            if _CALLS is not None:
                reply["calls"], _CALLS = _CALLS, None
            payload = codec.encode(reply)
            if len(payload) > protocol.MAX_FRAME:
                raise codec.CodecError("the returned value is larger than the grader accepts")
        except codec.CodecError as exc:
            payload = codec.encode(protocol.CaseError(
                "return", "unsendable", "TypeError", ("TypeError",), str(exc), "").to_dict())
        except BaseException as exc:  # noqa: BLE001
            error = error_payload(exc, files, "call")
            if _CALLS is not None:
                error["calls"], _CALLS = _CALLS, None
            payload = codec.encode(error)
        _CALLS = None
        _flush()
        protocol.write_frame(result_fd, payload)
    _flush()
    protocol.write_frame(result_fd, protocol.DONE)
    os._exit(0)
