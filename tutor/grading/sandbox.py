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

from tutor.grading import jail
from tutor.grading.child import OUTPUT_CAP, run_child
from tutor.grading.proctree import descendants
from tutor.grading.protocol import FrameReader, SandboxRequest, SandboxResult, Status

OUTPUT_KEEP = 8 * 1024  #: bytes of stdout+stderr kept for the report

__all__ = ["OUTPUT_CAP", "OUTPUT_KEEP", "SandboxLost", "kill_descendants", "run"]


class SandboxLost(RuntimeError):
    """The zygote died mid-check (learner code killed its parent): the worker answers this check
    as a crash and exits, and the client starts a fresh worker (a new zygote cannot be forked from
    a worker that already holds expected values)."""


def _workdir(plan: jail.Plan) -> str:
    """Without a mount namespace, the child's cwd, HOME and TMPDIR: a fresh folder, removed after
    the check (owned by nobody when the child becomes nobody)."""
    if plan.mount:
        return "/tmp"
    path = tempfile.mkdtemp(prefix="dltutor-check-")
    if plan.uid and os.geteuid() == 0 and not plan.userns:
        os.chown(path, jail.NOBODY, jail.NOBODY)
    return path


def run(request: SandboxRequest, plan: jail.Plan, *, cleanup: bool = True) -> SandboxResult:
    """Run the request in a fresh jailed child. With `cleanup=False` the caller must call
    `kill_descendants()` afterwards (the zygote does, after replying, to keep it off the
    learner's wait)."""
    reap_zombies()
    plan = jail.Plan(**{**plan.__dict__, "protected": plan.protected + request.jail.protected})
    if not plan.mount and plan.uid and os.geteuid() == 0:
        jail.protect_for_nobody(request.jail.protected)
    workdir = _workdir(plan)
    read_fd, write_fd = os.pipe()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the child is gone
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        run_child(request, plan, write_fd, out.fileno(), workdir)
    os.close(write_fd)
    reader = FrameReader(max_frames=max(1, len(request.cases)))
    status = _collect(read_fd, reader, start + request.timeout)
    os.close(read_fd)
    exit_code = exit_signal = None
    if status is Status.EXITED:
        exit_code, exit_signal = _wait_exit(pid, time.monotonic() + 0.5)
    try:
        os.killpg(pid, signal.SIGKILL)  # the child and its ordinary children, at once
    except (ProcessLookupError, PermissionError):
        pass
    if cleanup:
        kill_descendants()
    if not plan.mount:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - start
    size = out.seek(0, os.SEEK_END)
    out.seek(0)
    output = out.read(OUTPUT_KEEP)
    out.close()
    return SandboxResult(status, tuple(reader.frames), output, size > OUTPUT_KEEP, exit_code,
                         exit_signal, elapsed)


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
