"""Create a check's process in its new namespaces with one `clone()`, as `os.fork()` would.

The jail's PID namespace holds only children of the process that unshared it, so a jailed check
used to cost two processes: a forked child that unshared, and its child, PID 1 inside, that ran
the check (the first one only waited to mirror its exit status). `clone(CLONE_NEW*)` makes the
one process directly: PID 1 in fresh namespaces, a child of the zygote, whose exit status the
zygote reads itself. The kernel copies the zygote's address space once instead of twice, and
tears one process down instead of two.

Python has no `os.clone`; this does what `os.fork()` does around the system call, with the GIL
held throughout (a `PyDLL` call): `PyOS_BeforeFork()`, the call, then `PyOS_AfterFork_Child()`
or `PyOS_AfterFork_Parent()` (import lock, thread states, the `register_at_fork` hooks). What
glibc's own fork adds does not apply here: the zygote is single-threaded (no lock can be held by
another thread), and the one piece of per-thread state the child must see, its thread id in
glibc's thread descriptor (raise() and abort() signal through it), is set by the kernel with
`CLONE_CHILD_SETTID`, at the offset glibc's fork uses, verified against `gettid()` first.
Where any of this is not known (another architecture, another libc layout), `available()` is
False and the jail keeps the fork-then-unshare path.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import threading

#: (clone's syscall number, whether child_tid is its 4th argument (else the 5th), the offset
#: of `tid` in glibc's struct pthread)
_ARCH = {"x86_64": (56, True, 0x2D0), "aarch64": (220, False, 0xD0)}
CLONE_CHILD_SETTID = 0x01000000


class _Clone:
    def __init__(self) -> None:
        self.ok = False
        arch = _ARCH.get(platform.machine())
        if arch is None or os.environ.get("DLTUTOR_JAIL_CLONE", "1") == "0":
            return
        try:
            self.libc = ctypes.PyDLL(None, use_errno=True)  # PyDLL: the GIL stays held
            self.libc.syscall.restype = ctypes.c_long
            self.libc.pthread_self.restype = ctypes.c_void_p
            self.api = ctypes.pythonapi
        except (OSError, AttributeError):
            return
        self.number, self.fourth, self.tid_offset = arch
        self.ok = True

    def tid_address(self) -> int | None:
        """Where glibc keeps this thread's id, if it is where we expect (checked each time:
        cheap, and a wrong guess would have the kernel write into some other field)."""
        address = self.libc.pthread_self() + self.tid_offset
        if ctypes.c_int.from_address(address).value != threading.get_native_id():
            return None
        return int(address)


_CLONE = _Clone()


def available() -> bool:
    """Whether `clone()` can be used here: Linux on x86_64 or aarch64, glibc's layout, and a
    process with one thread, counted by the kernel, not by `threading` (a native pool such as
    OpenBLAS's would be left with bookkeeping for threads the child does not have: glibc's fork
    runs the library's pthread_atfork handlers to shut them down first, a raw clone does not).
    The zygote qualifies: the worker pins every pool to one thread before numpy is imported,
    and the zygote runs no compute of its own after glibc's fork created it."""
    if not _CLONE.ok or threading.current_thread() is not threading.main_thread():
        return False
    try:
        if len(os.listdir("/proc/self/task")) != 1:
            return False
    except OSError:
        return False
    return _CLONE.tid_address() is not None


def clone(flags: int) -> int:
    """Fork into new namespaces (`flags`: CLONE_NEW* bits). Returns 0 in the child and the
    child's pid in the parent, as `os.fork()`; raises OSError when the kernel refuses."""
    tid = _CLONE.tid_address()
    if tid is None:
        raise OSError("clone: glibc's thread descriptor is not where expected")
    flags |= CLONE_CHILD_SETTID | signal.SIGCHLD
    c_long = ctypes.c_long
    args = ((flags, 0, 0, tid, 0) if _CLONE.fourth else (flags, 0, 0, 0, tid))
    _CLONE.api.PyOS_BeforeFork()
    pid = _CLONE.libc.syscall(c_long(_CLONE.number), *(c_long(a) for a in args))
    if pid == 0:
        _CLONE.api.PyOS_AfterFork_Child()
        return 0
    errno = ctypes.get_errno()
    _CLONE.api.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(errno, f"clone: {os.strerror(errno)}")
    return int(pid)
