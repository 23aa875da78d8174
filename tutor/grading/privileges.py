"""Process hardening through prctl and capset (Linux; no-ops elsewhere). No numpy, no torch.

The worker and zygote hold (or sit beside) expected values, so they are made non-dumpable; the
sandboxed child drops every capability, so even as root it cannot read their memory through
/proc/PID/mem; `dltutor grade` makes itself non-dumpable too, since it holds other students'
reports while later submissions run."""

from __future__ import annotations

import ctypes
from typing import Any

PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CAPABILITY_VERSION_3 = 0x20080522


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
