"""A seccomp filter that lets the child signal no process but itself: for where there is no PID
namespace to make everything outside invisible.

Without one, a child that runs as the grader's own uid (an unprivileged grader whose kernel
refuses namespaces) could `kill(-1)` every process of the user, the CLI and the desktop among
them. This filter, installed after `no_new_privs` (no privilege needed), makes `kill` succeed only
for pid 0 (its own group) and its own pid, `tgkill` only within its own process, and refuses
`tkill`, `rt_sigqueueinfo`, `rt_tgsigqueueinfo`, `pidfd_send_signal`, `ptrace` and
`process_vm_writev` outright (EPERM). Syscalls of another ABI (i386 `int 0x80`, x32) end the
process. x86_64 and aarch64; elsewhere it is not installed and `available()` says so."""

from __future__ import annotations

import ctypes
import errno
import os
import platform

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000
RET_EPERM = 0x00050000 | errno.EPERM
LD_ABS_W = 0x20
JEQ = 0x15
JGE = 0x35
RET = 0x06
X32_BIT = 0x40000000

ARCHES = {
    "x86_64": (0xC000003E, {"kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129,
                            "rt_tgsigqueueinfo": 297, "pidfd_send_signal": 424, "ptrace": 101,
                            "process_vm_writev": 311}),
    "aarch64": (0xC00000B7, {"kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138,
                             "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424, "ptrace": 117,
                             "process_vm_writev": 271}),
}
DENIED = ("tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal", "ptrace",
          "process_vm_writev")


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def available() -> bool:
    return platform.machine() in ARCHES


def program(pid: int) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions, for the calling process `pid`."""
    arch, nr = ARCHES[platform.machine()]
    # symbolic program: jumps name labels, resolved to relative offsets below
    body: list[tuple[str, int, str | None, str | None, int] | str] = [
        ("ld", LD_ABS_W, None, None, 4),                     # seccomp_data.arch
        ("jeq", JEQ, "native", "kill_process", arch),
        "native",
        ("ld", LD_ABS_W, None, None, 0),                     # seccomp_data.nr
    ]
    if platform.machine() == "x86_64":
        body.append(("jge", JGE, "kill_process", None, X32_BIT))
    body += [("jeq", JEQ, "kill", None, nr["kill"]), ("jeq", JEQ, "tgkill", None, nr["tgkill"])]
    body += [("jeq", JEQ, "deny", None, nr[name]) for name in DENIED]
    body += [
        ("ret", RET, None, None, RET_ALLOW),
        "kill",
        ("ld", LD_ABS_W, None, None, 16),                    # args[0], low 32 bits
        ("jeq", JEQ, "allow", None, 0),
        ("jeq", JEQ, "allow", "deny", pid),
        "tgkill",
        ("ld", LD_ABS_W, None, None, 16),
        ("jeq", JEQ, "allow", "deny", pid),
        "deny",
        ("ret", RET, None, None, RET_EPERM),
        "allow",
        ("ret", RET, None, None, RET_ALLOW),
        "kill_process",
        ("ret", RET, None, None, RET_KILL_PROCESS),
    ]
    labels: dict[str, int] = {}
    insns: list[tuple[str, int, str | None, str | None, int]] = []
    for item in body:
        if isinstance(item, str):
            labels[item] = len(insns)
        else:
            insns.append(item)
    out = []
    for i, (_, code, jt, jf, k) in enumerate(insns):
        def rel(label: str | None, here: int = i) -> int:
            return 0 if label is None else labels[label] - here - 1
        out.append((code, rel(jt), rel(jf), k))
    return out


def install() -> None:
    """Install the filter on this process (and every process it forks). Needs no_new_privs.
    Raises OSError when the kernel refuses it."""
    insns = program(os.getpid())
    array = (_Insn * len(insns))(*[_Insn(*insn) for insn in insns])
    prog = _Prog(len(insns), array)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp: {os.strerror(err)}")
