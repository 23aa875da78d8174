"""The child's side of a check: build the jail, run the learner's function on each case, send
plain-data frames back, leave with `os._exit`.

Runs in a process forked from the zygote, which holds no expected value and no exercise code but
the exercise's drive.py (what calls the learner's function; no cases, no reference). The
learner's source arrives in memory, read by the trusted side: the child never opens a path of the
grader's. Forbidden shortcuts are replaced by functions that raise; that is advisory (PyTorch
keeps its own references to every kernel), and the trusted side also scans the source."""

from __future__ import annotations

import errno
import linecache
import os
import resource
import signal
import sys
import traceback
import types
from typing import Any

from tutor.grading import codec, jail, protocol
from tutor.grading.privileges import drop_privileges
from tutor.grading.protocol import SandboxRequest
from tutor.grading.trusted import default_drive, load_trusted

OUTPUT_CAP = 1024 * 1024  #: bytes of stdout+stderr (and of any one file) learner code may write


class ForbiddenShortcut(Exception):
    """Raised when learner code calls a function the exercise asks them to write themselves."""


def run_child(request: SandboxRequest, plan: jail.Plan, result_fd: int, out_fd: int,
              workdir: str) -> None:
    """Never returns."""
    try:
        _setup_process(request, result_fd, out_fd)
        result_fd = RESULT_FD
        try:
            jail.enter_namespaces(plan)
        except (jail.JailError, OSError) as exc:
            _jail_failed(result_fd, exc)
        if plan.namespaces:
            _fork_into_namespace()
        try:
            if plan.mount:
                jail.build_filesystem(plan)
                workdir = "/tmp"
            else:
                os.chdir(workdir)
            jail.drop_identity(plan)
            drop_privileges()
            jail.limit_processes(plan)
            jail.clean_environment(workdir)
        except (jail.JailError, OSError) as exc:
            _jail_failed(result_fd, exc)
        _run_learner(request, result_fd)
    finally:
        os._exit(70)


def _jail_failed(result_fd: int, exc: BaseException) -> None:
    error = protocol.CaseError("import", "jail", "JailError", (), str(exc)[:500], "")
    protocol.write_frame(result_fd, codec.encode(error.to_dict()))
    protocol.write_frame(result_fd, protocol.DONE)
    os._exit(0)


def _setup_process(request: SandboxRequest, result_fd: int, out_fd: int) -> None:
    os.setsid()  # its own session and process group: no controlling terminal
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    if result_fd != 3:
        os.dup2(result_fd, 3)
        result_fd = 3
    os.closerange(4, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
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


RESULT_FD = 3


def _fork_into_namespace() -> None:
    """The PID namespace holds only children: fork once. The child returns (as PID 1) and runs
    the check; this process waits and leaves exactly as the check did (same exit code, or the
    same signal), so the zygote's verdicts do not change. When PID 1 exits, the kernel kills
    whatever it left in the namespace."""
    pid = os.fork()
    if pid == 0:
        return
    os.close(RESULT_FD)  # only the check writes results: EOF means it is gone
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
        signal.signal(died_of, signal.SIG_DFL)
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


def learner_traceback(exc: BaseException, learner_file: str) -> str:
    """The traceback cut down to the learner's own frames (plus the exception line)."""
    lines: list[str] = []
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == learner_file]
    if frames:
        lines.append("Traceback (your code):\n")
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)[-6000:]


def error_payload(exc: BaseException, learner_file: str, stage: str) -> dict[str, Any]:
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


def _run_learner(request: SandboxRequest, result_fd: int) -> None:
    drive = load_trusted(request.driver_path).drive if request.driver_path else default_drive
    patch_forbidden(request.forbidden)
    try:
        module = _import_learner(request)
        patch_forbidden(request.forbidden, module)
        fn = getattr(module, request.function, None)
        if fn is None or not callable(fn):
            raise AttributeError(f"{os.path.basename(request.filename)} does not define a "
                                 f"function named {request.function}")
    except BaseException as exc:  # noqa: BLE001 - SystemExit at import too
        _flush()
        protocol.write_frame(result_fd, codec.encode(
            error_payload(exc, request.filename, "import")))
        protocol.write_frame(result_fd, protocol.DONE)
        os._exit(0)
    for enc in request.cases:
        inputs = codec.decode(enc)
        try:
            payload = codec.encode({"ok": True, "value": to_plain(drive(fn, **inputs))})
            if len(payload) > protocol.MAX_FRAME:
                raise codec.CodecError("the returned value is larger than the grader accepts")
        except codec.CodecError as exc:
            payload = codec.encode(protocol.CaseError(
                "return", "unsendable", "TypeError", ("TypeError",), str(exc), "").to_dict())
        except BaseException as exc:  # noqa: BLE001
            payload = codec.encode(error_payload(exc, request.filename, "call"))
        _flush()
        protocol.write_frame(result_fd, payload)
    _flush()
    protocol.write_frame(result_fd, protocol.DONE)
    os._exit(0)
