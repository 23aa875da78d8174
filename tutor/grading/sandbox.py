"""Run a learner's function on case inputs in a freshly forked, jailed child (the zygote's side).

This runs in the *zygote* (see `worker.py`): a process forked from the warm worker before any
reference value existed, so nothing a child can read in its own memory reveals an expected value.
The child (`child.py`) builds its jail (`jail.py`), runs the learner's code and sends one
length-prefixed frame per case (`protocol.py`).

The zygote enforces the wall clock (the child's process group is killed), reads frames rather
than waiting for EOF (a child's exit costs ~12 ms that nobody should wait for), caps how many
frames and bytes a check may send, and afterwards kills every process descended from it, which
catches a grandchild that escaped with `setsid()`."""

from __future__ import annotations

import os
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tutor.grading import clone, crashdump, jail
from tutor.grading.child import OUTPUT_CAP, ChildFds, run_child
from tutor.grading.proctree import descendants
from tutor.grading.protocol import FrameReader, SandboxRequest, SandboxResult, Status

OUTPUT_KEEP = 8 * 1024  #: bytes of stdout+stderr kept for the report

__all__ = ["OUTPUT_CAP", "OUTPUT_KEEP", "SandboxLost", "Standby", "kill_descendants", "prepare",
           "run"]


class SandboxLost(RuntimeError):
    """The zygote died mid-check (learner code killed its parent): the worker answers this check
    as a crash and exits, and the client starts a fresh worker (a new zygote cannot be forked from
    a worker that already holds expected values)."""


def _workdir(plan: jail.Plan) -> str:
    """Without a mount namespace, the child's cwd, HOME and TMPDIR: a fresh folder, removed after
    the check."""
    if plan.mount:
        return "/tmp"
    return tempfile.mkdtemp(prefix="dltutor-check-")  # the child hands it to its own uid


@dataclass
class Standby:
    """A child pre-forked while the zygote is idle: its jail is built, it waits for a request.
    Taking it off the learner's wait is what keeps a check near the cost of one pipe write."""

    pid: int
    request_fd: int
    result_fd: int
    status_fd: int
    out: Any
    workdir: str
    plan: jail.Plan

    def covers(self, request: SandboxRequest) -> bool:
        """Whether its jail already masks every protected path the request names (a path
        outside every visible tree needs no mask)."""
        return all(any(jail.under(p, q) for q in self.plan.protected)
                   for p in request.jail.protected
                   if any(jail.under(p, v) for v in self.plan.visible))

    def discard(self) -> None:
        for fd in (self.request_fd, self.result_fd, self.status_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        _kill_group(self.pid)
        self.out.close()
        if not self.plan.mount:
            shutil.rmtree(self.workdir, ignore_errors=True)


def prepare(plan: jail.Plan) -> Standby:
    """Fork a standby child for the next check."""
    request_r, request_w = os.pipe()
    result_r, result_w = os.pipe()
    status_r, status_w = os.pipe()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the check
    workdir = _workdir(plan)
    ids = (os.getuid(), os.getgid())
    pid, cloned = _spawn(plan)
    if pid == 0:  # never returns
        for fd in (request_w, result_r, status_r):
            os.close(fd)
        run_child(plan, ChildFds(out.fileno(), result_w, request_r, status_w), workdir,
                  ids if cloned else None)
    for fd in (request_r, result_w, status_w):
        os.close(fd)
    return Standby(pid, request_w, result_r, status_r, out, workdir, plan)


_CLONE_REFUSED: list[str] = []  #: why clone() was refused once (then: fork and unshare)


def _spawn(plan: jail.Plan) -> tuple[int, bool]:
    """The check's process: cloned straight into its namespaces where that works (one
    process, see `clone.py`), else forked (it unshares them and forks once more itself).
    Returns (pid as os.fork() does, whether it was cloned)."""
    flags = jail.unshare_flags(plan)
    if flags and not _CLONE_REFUSED and clone.available():
        try:
            return clone.clone(flags), True
        except OSError as exc:  # a kernel that allows unshare() but not this clone()
            _CLONE_REFUSED.append(str(exc))
    return os.fork(), False


def run(request: SandboxRequest, plan: jail.Plan, *, standby: Standby | None = None,
        cleanup: bool = True, on_started: Callable[[], None] | None = None) -> SandboxResult:
    """Run the request in a jailed child: `standby` when it covers the request, else a fresh
    one. With `cleanup=False` the caller must call `kill_descendants()` afterwards (the zygote
    does, after replying, to keep it off the learner's wait). `on_started` is called once the
    child has the request (the zygote forks the next check's child then)."""
    reap_zombies()
    if not plan.mount and plan.uid and os.geteuid() == 0:
        _PROTECTED.extend(jail.protect_for_nobody(request.jail.protected))
    if standby is None or not standby.covers(request):
        if standby is not None:
            standby.discard()
        plan = replace(plan, protected=plan.protected + request.jail.protected)
        standby = prepare(plan)
    start = time.monotonic()
    try:
        _send_request(standby.request_fd, request.encode())
    except OSError:
        pass  # the standby died: its status says how
    os.close(standby.request_fd)
    if on_started is not None:
        on_started()
    reader = FrameReader(max_frames=max(1, len(request.cases)))
    status = _collect(standby.result_fd, reader, start + request.timeout)
    os.close(standby.result_fd)
    said = _read_status(standby.status_fd)
    detail = ""
    if said.startswith((b"jail:", b"driver:")):  # nothing of the learner's ran
        kind, _, text = said.decode("utf-8", "replace").partition(":")
        status, detail = (Status.JAIL if kind == "jail" else Status.DRIVER), text
    exit_code = exit_signal = None
    if status is Status.EXITED:
        exit_code, exit_signal = _wait_exit(standby.pid, time.monotonic() + 0.5)
    _kill_group(standby.pid)  # the child and its ordinary children, at once
    if cleanup or _PROTECTED:  # permissions are given back only once every process is gone
        kill_descendants()
    if not standby.plan.mount:
        shutil.rmtree(standby.workdir, ignore_errors=True)
    elapsed = time.monotonic() - start
    out = standby.out
    size = out.seek(0, os.SEEK_END)
    out.seek(0)
    output = out.read(OUTPUT_KEEP)
    if size > OUTPUT_KEEP and exit_signal in crashdump.FATAL:
        output = crashdump.keep_dump(output, out, size, OUTPUT_KEEP)
    out.close()
    return SandboxResult(status, tuple(reader.frames), output, size > OUTPUT_KEEP, exit_code,
                         exit_signal, elapsed, detail)


def _read_status(fd: int) -> bytes:
    """What the child said on its status pipe before any learner code ran (it is written
    before the result channel carries anything, so it is complete by now)."""
    os.set_blocking(fd, False)
    chunks = []
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            chunks.append(chunk)
    except BlockingIOError:
        pass
    os.close(fd)
    return b"".join(chunks)[:4000]


def _kill_group(pid: int) -> None:
    """SIGKILL the child's process group (its setsid() made one, led by it); the child alone
    if it died before getting that far, never our own group."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _send_request(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _collect(fd: int, reader: FrameReader, deadline: float) -> Status:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Status.TIMEOUT
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return Status.TIMEOUT
        try:
            chunk = os.read(fd, 1 << 20)
        except OSError:
            chunk = b""
        if not chunk:
            return Status.EXITED
        status = reader.feed(chunk)
        if status is not None:
            return status


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


_PROTECTED: list[tuple[str, int]] = []  #: folders made unreadable to nobody during a check


def kill_descendants(deadline_s: float = 3.0, spare: int | None = None) -> None:
    """SIGKILL every process below this one until none is left, reaping them; then give back
    the permissions the check took (fallback mode). `spare`: the next check's standby child,
    forked while this check ran, is left alone with everything below it.

    Orphans re-parent to us (we are a subreaper), so a grandchild that escaped its process group
    with setsid() is still found here."""
    me = os.getpid()
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        reap_zombies()
        tree = descendants(me)
        if spare is not None:
            keep = {spare, *descendants(spare)}
            tree = [pid for pid in tree if pid not in keep]
        if not tree:
            jail.restore(_PROTECTED)
            _PROTECTED.clear()
            return
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.0005)


class Teardown:
    """The finished checks whose processes the kernel is still tearing down.

    With a PID namespace, SIGKILL to the check's process group ends it: its PID 1 dies, and with
    it everything the learner's code started in the namespace, escaped process groups included.
    What is left is the kernel's work (unmounting the jail's tree, freeing the namespaces), 4 ms
    at the median and 15 ms at p90 a check, measured while grading a class back to back. Waiting
    for it before taking the next request put all of that on the next check's path; now the
    zygote only reaps what has exited, and sweeps the whole tree (`kill_descendants`) when more
    than `limit` checks are still going away, so they cannot pile up. Without a PID namespace
    nothing guarantees the end of an escaped process: the zygote sweeps after every check."""

    def __init__(self, limit: int = 4) -> None:
        self.limit = limit
        self.pending: list[int] = []

    def release(self, pid: int, spare: int | None) -> None:
        """`pid`: the finished check's child (already SIGKILLed with its group by `run`)."""
        self.pending.append(pid)
        reap_zombies()
        self.pending = [p for p in self.pending if _alive(p)]
        if len(self.pending) > self.limit:
            kill_descendants(spare=spare)
            self.pending.clear()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_zombies() -> None:
    """Reap every child that has exited (a standby that died is reaped with the rest: the check
    that uses it then finds it gone and says so)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


_PLAN: list[jail.Plan] = []


def run_fresh(request: SandboxRequest) -> SandboxResult:
    """One check in a fresh jailed child, outside any zygote (a one-off process: the cold
    baseline of the benchmarks). The plan is decided on first use."""
    if not _PLAN:
        from tutor.grading.isolation import decide

        _PLAN.append(decide()[0])
    return run(request, _PLAN[0])
