"""The jail: what a child running learner code can see and do. Linux, from Python, no container.

Layers, each on where the kernel allows it (`probe()` says which are; `dltutor doctor` prints it):

  pid     its own PID namespace: it is PID 1, sees and signals no process outside.
  mount   its own mount namespace and root: the Python runtime and libraries read-only, a fresh
          /proc, a /dev with null/zero/full/random/urandom only (no pts, no tty), a private
          size-capped /tmp (also /dev/shm) that is gone after the check. Not HOME, not the
          workspace, not other submissions, not the course content (masked even where it lies
          inside a visible tree, e.g. an installed package's `_content`), not the grader's cwd.
  net     its own network namespace: no interface but a loopback that is down.
  uid     not the grader's identity: a uid/gid of its own (JAIL_UID_BASE + PID, used by nothing
          else, so checks beside it are out of its reach too) when the grader is root; for an
          unprivileged grader, its own non-root uid inside a user namespace (only root can
          switch to another uid), with the mount and PID namespaces keeping everything else away.
  env     an allow-listed environment (PATH, locale, thread variables, HOME=/tmp).
  tty     a new session without a controlling terminal, stdin from /dev/null.
  limits  wall clock, CPU, address space, output/file size, no core, process count, and the
          size of /tmp (with `mount`).
  caps    no capabilities at all, and no_new_privs (always).

Grader root, namespaces allowed: namespaces without a user namespace, then setuid(check's uid).
Grader unprivileged: a user namespace maps the grader's uid to root inside, which may then build
the other namespaces and the mounts, and drops every capability before learner code runs.
Namespaces refused (Docker's default seccomp profile, Ubuntu's AppArmor restriction, macOS): the
layers that need none stay on, and a root grader still drops the child to its own uid and makes the
course files and submissions unreadable to it (`protect_for_nobody`).

A layer that the probe found working but that fails in a child is never skipped silently: the
child reports a jail error instead of running learner code (`JailError`)."""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from tutor.grading.worker import THREAD_VARS

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_REC, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 16384, 1 << 18, 1 << 21, 1 << 24
MNT_DETACH = 2
ST_RELATIME = 4096
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}.get(platform.machine())

# A root grader runs each check as a uid of its own, never used by anyone else: one check's
# kill(-1) (where no PID namespace stops it) or fork bomb (RLIMIT_NPROC counts per uid) cannot
# reach another student's check running beside it.
JAIL_UID_BASE = 2_000_000_000
LAYERS = ("pid", "mount", "net", "uid", "env", "tty", "limits", "caps")
TMP_MB = 64  #: the private /tmp (and /dev/shm): every byte the learner's code may write
TMP_INODES = 4096
NPROC = 64  #: processes and threads of the jailed user
DEVICES = ("null", "zero", "full", "random", "urandom")
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"
KEPT_ENV_PREFIXES = ("LC_", "OPENBLAS_", "MKL_", "OMP_", "KMP_")
KEPT_ENV = ("LANG", "LANGUAGE", "TZ")
STAGING = ("/mnt", "/media", "/srv", "/run", "/opt", "/var/tmp", "/tmp", "/home")

# Switches for tests and diagnosis: DLTUTOR_JAIL_OFF=net,mount (or "namespaces" for all of them);
# DLTUTOR_JAIL_USERNS=1 takes the user-namespace path even as root (as an unprivileged grader does).
OFF_VAR = "DLTUTOR_JAIL_OFF"
USERNS_VAR = "DLTUTOR_JAIL_USERNS"


class JailError(RuntimeError):
    """A layer that should be on could not be built; the learner's code must not run."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _b(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def _call(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise JailError(f"{what}: {os.strerror(err)}")


def switched_off() -> frozenset[str]:
    raw = {w.strip() for w in os.environ.get(OFF_VAR, "").split(",") if w.strip()}
    if "namespaces" in raw:
        raw |= {"pid", "mount", "net"}
    # the old switch of the PID-namespace-only sandbox
    if os.environ.get("DLTUTOR_SANDBOX_PIDNS") == "0":
        raw |= {"pid", "mount", "net"}
    return frozenset(raw)


# -- what the jail shows ----------------------------------------------------------------------


def under(path: str, folder: str) -> bool:
    """`path` is `folder` or lies inside it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _ancestors_or_self(path: str, others: Iterable[str]) -> bool:
    return any(under(path, o) for o in others)


def visible_paths() -> tuple[str, ...]:
    """Directories and files bound read-only into the jail: the Python runtime, the installed
    libraries, the system's shared libraries, and the few files of /etc the loader needs."""
    found: list[str] = []
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                              sys.base_exec_prefix)}
    found.extend(sorted(prefixes))
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if real.endswith(("site-packages", "dist-packages")):
            found.append(real)
    for system in ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/nix/store",
                   "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
                   "/etc/alternatives", "/etc/localtime"):
        if os.path.islink(system) and system != "/etc/localtime":
            continue  # /bin -> usr/bin: recreated as a link inside
        if os.path.exists(system):
            found.append(system)
    found = [p for p in dict.fromkeys(found) if os.path.exists(p)]
    # drop what a broader path already shows
    return tuple(p for p in found
                 if not _ancestors_or_self(p, [q for q in found if q != p and len(q) < len(p)]))


def top_level_links() -> tuple[tuple[str, str], ...]:
    """`/bin -> usr/bin` and its kind, recreated inside the jail's root."""
    links = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = "/" + name
        if os.path.islink(path):
            links.append((path, os.readlink(path)))
    return tuple(links)


def content_roots() -> tuple[str, ...]:
    """The course content shipped inside the installed package, masked wherever it is visible."""
    import tutor

    package = os.path.dirname(os.path.realpath(tutor.__file__))
    return (os.path.join(package, "_content"),)


# -- building it (in the child) -----------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the child will build, decided once in the zygote from the probe and the switches."""

    pid: bool
    mount: bool
    net: bool
    uid: bool
    userns: bool  #: the namespaces come with a user namespace of their own (unprivileged grader)
    visible: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    protected: tuple[str, ...] = ()
    signals: bool = False  #: no PID namespace: a seccomp filter lets it signal only itself

    @property
    def namespaces(self) -> bool:
        return self.pid or self.mount or self.net


def unshare_flags(plan: Plan) -> int:
    flags = 0
    if plan.pid:
        flags |= CLONE_NEWPID
    if plan.mount:
        flags |= CLONE_NEWNS
    if plan.net:
        flags |= CLONE_NEWNET
    if plan.namespaces:
        flags |= CLONE_NEWIPC | CLONE_NEWUTS
    if plan.userns and flags:
        flags |= CLONE_NEWUSER
    return flags


def enter_namespaces(plan: Plan, cloned: tuple[int, int] | None = None) -> None:
    """unshare() the planned namespaces (the caller then forks: the PID namespace holds only
    children). In a user namespace, map the grader's uid and gid to root inside. `cloned`: this
    process was created in them already (`clone.py`); the grader's (uid, gid), read before."""
    flags = unshare_flags(plan)
    if not flags:
        return
    if cloned is not None:
        uid, gid = cloned
    else:
        uid, gid = os.getuid(), os.getgid()
        _call(_libc().unshare(flags), "unshare")
    if plan.userns:  # a process may map only its own ids into the namespace it entered
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"0 {uid} 1")
        _write("/proc/self/gid_map", f"0 {gid} 1")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    except OSError as exc:
        raise JailError(f"writing {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _mount(libc: ctypes.CDLL, src: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    _call(libc.mount(_b(src), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)),
          f"mount {target}")


def _locked_flags(path: str) -> int:
    """The flags of the mount that `path` is on, which a bind-remount must keep."""
    flags = 0
    try:
        st = os.statvfs(path)
    except OSError:
        return MS_NOSUID | MS_NODEV
    for bit, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV),
                    (os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME),
                    (os.ST_NODIRATIME, MS_NODIRATIME), (ST_RELATIME, MS_RELATIME)):
        if st.f_flag & bit:
            flags |= ms
    return flags


def _makedirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def _bind(libc: ctypes.CDLL, src: str, dest: str, *, writable: bool = False) -> None:
    if os.path.isdir(src):
        _makedirs(dest)
    else:
        _makedirs(os.path.dirname(dest))
        if not os.path.exists(dest):
            os.close(os.open(dest, os.O_CREAT | os.O_WRONLY, 0o644))
    _mount(libc, src, dest, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | _locked_flags(src)
    if not writable:
        flags |= MS_RDONLY
    if src.startswith("/dev/"):
        flags &= ~MS_NODEV
    try:
        _mount(libc, None, dest, None, flags)
    except JailError:  # a flag locked on the source that statvfs does not show: add nodev
        _mount(libc, None, dest, None, flags | MS_NODEV)


def _mask(libc: ctypes.CDLL, root: str, path: str) -> None:
    target = root + path
    if not os.path.lexists(target):
        return
    if os.path.isdir(target) and not os.path.islink(target):
        _mount(libc, "tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
               "size=4k,nr_inodes=1,mode=000")
    elif os.path.isfile(target):
        _mount(libc, "/dev/null", target, None, MS_BIND)


def _staging(plan: Plan) -> str:
    needed = [*plan.visible, *plan.protected]
    for candidate in STAGING:
        if os.path.isdir(candidate) and not os.path.islink(candidate) and not any(
                _ancestors_or_self(p, [candidate]) for p in needed):
            return candidate
    raise JailError("no directory to build the jail's root on")


def build_filesystem(plan: Plan, uid: int) -> None:
    """In the new mount (and PID) namespace, with capabilities: a fresh root on a tmpfs holding
    only what `plan.visible` names (read-only), /proc, a minimal /dev and a private /tmp; then
    pivot into it, so the old root is gone for good."""
    libc = _libc()
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    root = _staging(plan)
    _mount(libc, "tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
    # a private, size-capped /tmp (also seen as /dev/shm), mounted before the visible trees: a
    # Python or a virtual environment that lives under /tmp is bound inside it, read-only,
    # rather than hidden under it (a child could then import nothing that was not loaded yet)
    _makedirs(root + "/tmp")
    _mount(libc, "tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={TMP_MB}m,nr_inodes={TMP_INODES},mode=1777")
    for path in plan.visible:
        _bind(libc, path, root + path)
    for path, target in plan.links:
        os.symlink(target, root + path)
    for path in plan.protected:
        if any(_ancestors_or_self(path, [v]) for v in plan.visible):
            _mask(libc, root, path)
    _makedirs(root + "/dev")
    for name in DEVICES:
        if os.path.exists("/dev/" + name):
            _bind(libc, "/dev/" + name, f"{root}/dev/{name}", writable=True)
    _makedirs(root + "/dev/shm")
    _mount(libc, root + "/tmp", root + "/dev/shm", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    _makedirs(root + "/etc")
    with open(root + "/etc/passwd", "w") as fh:
        fh.write(f"root:x:0:0:root:/tmp:/bin/false\nlearner:x:{uid}:{uid}:learner:/tmp:"
                 "/bin/false\n")
    with open(root + "/etc/group", "w") as fh:
        fh.write(f"root:x:0:\nlearner:x:{uid}:\n")
    _makedirs(root + "/proc")
    if plan.pid:  # a /proc of the host's PID namespace would show every process: none then
        _mount(libc, "proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.chdir(root)
    if SYS_PIVOT_ROOT is not None:
        _call(libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
        _call(libc.umount2(b".", MNT_DETACH), "detaching the old root")
    else:  # pragma: no cover - other architectures: move the new root over / and chroot
        _mount(libc, root, "/", None, 8192)  # MS_MOVE
        os.chroot(".")
    os.chdir("/")
    _mount(libc, None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir("/tmp")


def jail_uid() -> int:
    """The uid (and gid) this check will run as when the grader is root: unique among the
    checks alive at once, since it comes from the check's host PID (what /proc/self names
    while the host's /proc is mounted, even in a new PID namespace)."""
    try:
        return JAIL_UID_BASE + int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return JAIL_UID_BASE + os.getpid()


def switches_uid(plan: Plan) -> bool:
    return plan.uid and os.geteuid() == 0 and not plan.userns


def own(path: str, plan: Plan, uid: int) -> None:
    """Hand the check's working folder to the uid it will run as."""
    if switches_uid(plan):
        os.chown(path, uid, uid)


def drop_identity(plan: Plan, uid: int) -> None:
    """Root grader: become the check's own unprivileged uid, with no supplementary groups.
    Unprivileged grader: nothing to switch to; its capabilities in the user namespace are
    dropped by `drop_privileges`."""
    if not switches_uid(plan):
        return
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError as exc:
        raise JailError(f"switching to uid {uid}: {exc.strerror}") from None


def limit_processes(plan: Plan) -> None:
    """RLIMIT_NPROC counts the processes of the child's user: in a user namespace (kernel 5.14+)
    or as nobody that is the jail's own; as the grader's own uid without either it would count
    the user's whole desktop, so it is left alone there."""
    if plan.userns and plan.namespaces or (plan.uid and os.getuid() >= JAIL_UID_BASE):
        resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))


def clean_environment(tmp: str) -> None:
    """Only what a numerical Python program needs; never a secret of the grader's."""
    kept = {k: v for k, v in os.environ.items()
            if k in KEPT_ENV or k.startswith(KEPT_ENV_PREFIXES)}
    os.environ.clear()
    os.environ.update(kept)
    os.environ.update({"PATH": CHILD_PATH, "HOME": tmp, "TMPDIR": tmp,
                       "PYTHONDONTWRITEBYTECODE": "1"})
    os.environ.setdefault("LANG", "C.UTF-8")
    for var in THREAD_VARS:
        os.environ[var] = "1"


# -- fallback: no mount namespace, grader root ----------------------------------------------------


def protect_for_nobody(paths: Iterable[str]) -> list[tuple[str, int]]:
    """Without a mount namespace, a child that runs as nobody still must not read the course or
    other submissions: take the 'other' permission bits off each folder for the duration of the
    check (the grader is root and keeps its access). Returns what `restore` puts back. Only done
    when the grader is root and namespaces are refused."""
    changed = []
    for path in paths:
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_mode & 0o007:
            try:
                os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o007)
                changed.append((path, stat.S_IMODE(st.st_mode)))
            except OSError:
                pass
    return changed


def restore(changed: list[tuple[str, int]]) -> None:
    """Put back the permissions `protect_for_nobody` took, once the check's processes are gone."""
    for path, mode in changed:
        try:
            os.chmod(path, mode)
        except OSError:
            pass
