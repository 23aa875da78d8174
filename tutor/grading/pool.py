"""`GraderPool`: N graders whose workers are forked from one warm parent (see `lanes.py`).

Each grader behaves as a `Grader` (one request at a time, the same protocol, the same retry
policy); only where its worker comes from differs. Its first worker is a lane of the shared
template; a lane that dies (a file killed its zygote) is replaced by a standalone worker of its
own, so one hostile file never costs the other lanes anything."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from tutor.grading import lanes
from tutor.grading.client import (
    Grader,
    _kill_tree,
    _source_root,
    read_tail,
    worker_environment,
)
from tutor.grading.proctree import descendants


class Lane:
    """A lane's end of the pool, shaped as the `subprocess.Popen` a `Grader` holds: `stdin` and
    `stdout` on its socket, `poll()`, `wait()`, and `pid` once the lane said it (its first
    message)."""

    def __init__(self, sock: socket.socket, log: Any) -> None:
        self.sock = sock
        self.log = log
        self.stdin = os.fdopen(os.dup(sock.fileno()), "wb")
        self.stdout = os.fdopen(os.dup(sock.fileno()), "rb")
        sock.close()
        self.pid: int | None = None
        self.zygotes: tuple[int, ...] = ()  #: its light one is the template's child, not its own
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self.pid is not None and not _alive(self.pid):
            self.returncode = -signal.SIGKILL  # its parent, the template, reaped it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        while self.poll() is None:
            if self.pid is None:
                self.returncode = -signal.SIGKILL  # never started: nothing to wait for
                break
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("dltutor lane", timeout or 0.0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode


def _alive(pid: int) -> bool:
    """Whether `pid` is running (a zombie is not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


class LaneGrader(Grader):
    """A `Grader` whose first worker is a lane; every later one is a standalone worker."""

    def __init__(self, lane: Lane, template: int, python: str | None = None,
                 env: dict[str, str] | None = None, template_log: Any = None) -> None:
        super().__init__(python, env)
        self._lane: Lane | None = lane
        self._template = template
        self._template_log = template_log  #: the template's stderr: why it never forked a lane

    def _log_tail(self) -> str:
        """The lane's own log; where that is empty (the template died before forking it: a
        broken torch, no memory), the template's."""
        mine = read_tail(self._log)
        if mine:
            return mine
        theirs = read_tail(self._template_log)
        return f"its parent process said: {theirs}" if theirs else "(no message)"

    def start(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            lane, self._lane = self._lane, None
            if lane is None:
                super().start()
                return
            self._proc = lane  # type: ignore[assignment]
            self._log = lane.log
            self._ready = False

    def _terminate(self) -> None:
        proc = self._proc
        super()._terminate()
        if isinstance(proc, Lane):
            # Its light zygote (and a check it may still run) is the template's child, so not
            # in the lane's tree: ended here too, while it is still the template's.
            _kill_below(self._template, proc.zygotes)

    def close(self) -> None:
        super().close()
        lane, self._lane = self._lane, None
        if lane is not None:  # never used
            for stream in (lane.stdin, lane.stdout):
                stream.close()
            lane.log.close()


class GraderPool:
    """`n` graders sharing one template process (started at once, in the background)."""

    def __init__(self, n: int, python: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        python = python or sys.executable
        ours: list[Lane] = []
        theirs: list[int] = []
        spec = []
        for _ in range(n):
            mine, other = socket.socketpair()
            log = tempfile.TemporaryFile()  # noqa: SIM115 - the lane grader closes it
            ours.append(Lane(mine, log))
            theirs.append(other.detach())
            theirs.append(log.fileno())
            spec.append(f"{theirs[-2]}:{theirs[-1]}")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._template = subprocess.Popen(
            [python, "-I", "-B", "-c", lanes.BOOTSTRAP, _source_root(), ",".join(spec)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            env=worker_environment(dict(env or {})), cwd="/", start_new_session=True,
            pass_fds=theirs)
        for fd in theirs[0::2]:  # the sockets' far ends (the log files stay open: ours)
            os.close(fd)
        self.graders: list[Grader] = [LaneGrader(lane, self._template.pid, python, env,
                                                 self._log) for lane in ours]

    def close(self) -> None:
        """End every grader, every lane and the template."""
        for grader in self.graders:
            grader.close()
        _kill_below(self._template.pid, descendants(self._template.pid))
        _kill_tree(self._template)
        try:
            self._template.wait(5.0)
        except subprocess.TimeoutExpired:
            pass
        self._log.close()

    def __enter__(self) -> GraderPool:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill_below(parent: int, pids: Any) -> None:
    """SIGKILL each of `pids` that is still below `parent`, with everything below it (a pid
    no longer below it may be a stranger's by now)."""
    below = set(descendants(parent))
    for pid in pids:
        if pid in below:
            for victim in (pid, *descendants(pid)):
                try:
                    os.kill(victim, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
