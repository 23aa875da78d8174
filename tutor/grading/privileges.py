"""Process hardening through prctl and capset (Linux; no-ops elsewhere). No numpy, no torch.

The worker and zygote hold (or sit beside) expected values, so they are made non-dumpable; the
sandboxed child drops every capability, so even as root it cannot read their memory through
/proc/PID/mem; `dltutor grade` makes itself non-dumpable too, since it holds other students'
reports while later submissions run."""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Any

PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CAPABILITY_VERSION_3 = 0x20080522
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def make_undumpable() -> None:
    """Nobody without CAP_SYS_PTRACE may read this process's memory (/proc/PID/mem) or attach
    to it, even with the same uid: the worker holds the expected values."""
    try:
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        pass


def drop_privileges() -> None:
    """In the child: no capabilities at all (even as root) and no way to regain any, so the
    non-dumpable worker and zygote are out of reach."""
    try:
        libc = _libc()
        for cap in range(64):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

        class Header(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class Data(ctypes.Structure):
            _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                        ("inheritable", ctypes.c_uint32)]

        libc.capset(ctypes.byref(Header(CAPABILITY_VERSION_3, 0)), (Data * 2)())
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        pass


def become_subreaper() -> None:
    """Orphaned grandchildren get re-parented to us, so we can find and reap them."""
    try:
        _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        pass


def enter_pid_namespace() -> None:
    """Continue as PID 1 of a fresh PID namespace, where the kernel allows one (root, or an
    unprivileged user namespace); otherwise return and carry on unchanged.

    Inside, the learner's code sees no process outside: `kill(-1)`, `kill(getppid())` or a PID
    read from /proc reach nothing but itself, so it can stop neither the grader nor anything else
    of the user's. And when PID 1 exits, the kernel kills whatever it left in the namespace.

    unshare() moves only the caller's future children, so this forks once: the child returns (as
    PID 1) and runs the check; this process waits and then leaves exactly as the check did (same
    exit code, or the same signal), so the zygote's verdicts are unchanged."""
    if os.environ.get("DLTUTOR_SANDBOX_PIDNS", "1") == "0":  # tests of the fallback path
        return
    try:
        libc = _libc()
        # a PID namespace needs CAP_SYS_ADMIN; without it, a user namespace of our own grants it
        if libc.unshare(CLONE_NEWPID) != 0 and libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0:
            return
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        return
    pid = os.fork()
    if pid == 0:
        return
    for handled in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(handled, signal.SIG_DFL)
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
