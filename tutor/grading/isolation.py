"""Which jail layers this machine gives, found by trying them, and how to enable the rest.

`probe()` forks a throwaway child that builds the jail exactly as a check's child would and
reports what it could do; the zygote runs it once at start (its plan is what every check gets),
and `dltutor doctor` prints it. Where the kernel refuses a layer the tool says so, never silently:
`check` shows a one-line notice, `grade` refuses hidden cases under partial isolation unless
told otherwise, and every grade report records the level."""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from dataclasses import dataclass, replace
from typing import Any

from tutor.grading import jail, signals

DESCRIPTIONS = {
    "pid": "its own PID namespace: PID 1, no process outside visible or reachable",
    "mount": "its own root: Python and libraries read-only, a private "
             f"{jail.TMP_MB} MiB /tmp, a fresh /proc, no HOME, no course files, no /dev/pts",
    "net": "its own network namespace: no connection leaves, not even to loopback",
    "uid": "not the grader's identity",
    "env": "an allow-listed environment (PATH, locale, thread variables, HOME=/tmp)",
    "tty": "no terminal: a new session, stdin from /dev/null",
    "limits": "wall clock, CPU, memory, 1 MiB of output, no core file, a process cap",
    "caps": "no capabilities and no_new_privs",
}


@dataclass(frozen=True)
class Layer:
    name: str
    on: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "on": self.on, "detail": self.detail}


@dataclass(frozen=True)
class Isolation:
    layers: tuple[Layer, ...]
    advice: tuple[str, ...] = ()  #: how to enable what is off

    @property
    def full(self) -> bool:
        return all(layer.on for layer in self.layers)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers if not layer.on)

    @property
    def level(self) -> str:
        return "full" if self.full else "partial"

    def summary(self) -> str:
        """One line: `full (pid, mount, ...)` or `partial: no pid, mount, net`."""
        if self.full:
            return "full (" + ", ".join(layer.name for layer in self.layers) + ")"
        return "partial: no " + ", ".join(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "summary": self.summary(),
                "layers": [layer.to_dict() for layer in self.layers],
                "advice": list(self.advice)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Isolation:
        return cls(tuple(Layer(str(x["name"]), bool(x["on"]), str(x["detail"]))
                         for x in d["layers"]), tuple(str(a) for a in d.get("advice", ())))


# -- trying a plan --------------------------------------------------------------------------------


def _try(plan: jail.Plan) -> dict[str, Any]:
    """Build the jail in a throwaway child; what it could do, as the child saw it."""
    from tutor.grading.privileges import drop_privileges

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 70
        try:
            os.close(read_fd)
            facts: dict[str, Any] = {}
            try:
                uid = jail.jail_uid()
                jail.enter_namespaces(plan)
                if plan.namespaces and os.fork() != 0:
                    os.close(write_fd)
                    os.wait()
                    os._exit(0)
                if plan.mount:
                    jail.build_filesystem(plan, uid)
                jail.drop_identity(plan, uid)
                drop_privileges()
                if plan.signals:
                    signals.install()
                jail.limit_processes(plan)
                facts["ok"] = True
                facts["pid1"] = os.getpid() == 1
                facts["uid"] = os.getuid()
                facts["procs"] = sum(e.isdigit() for e in os.listdir("/proc")) \
                    if os.path.isdir("/proc") else 0
                facts["pts"] = os.path.exists("/dev/pts")
                probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                probe.settimeout(0.2)
                try:
                    probe.connect(("127.0.0.1", 9))
                    facts["net"] = "connected"
                except OSError as exc:
                    facts["net"] = errno.errorcode.get(exc.errno or 0, str(exc))
                finally:
                    probe.close()
            except Exception as exc:  # noqa: BLE001 - whatever it is, the plan does not work
                facts = {"ok": False, "error": str(exc)}
            os.write(write_fd, json.dumps(facts).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks = []
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks) or b"{}") or {"ok": False, "error": "no answer"}
    except ValueError:
        return {"ok": False, "error": "garbled answer"}


def decide(protected: tuple[str, ...] = ()) -> tuple[jail.Plan, Isolation]:
    """The strongest plan this machine allows (minus what DLTUTOR_JAIL_OFF switches off)."""
    off = jail.switched_off()
    root = os.geteuid() == 0
    linux = sys.platform.startswith("linux")
    uid = "uid" not in off
    bare = jail.Plan(pid=False, mount=False, net=False, uid=uid and root, userns=False,
                     visible=jail.visible_paths(), links=jail.top_level_links(),
                     protected=(*jail.content_roots(), *protected))
    wanted = replace(bare, pid="pid" not in off, mount="mount" not in off, net="net" not in off,
                     uid=uid)
    failures: list[str] = []
    plan = None
    facts: dict[str, Any] = {}
    if linux and wanted.namespaces:
        forced = os.environ.get(jail.USERNS_VAR) == "1"
        for userns in ((False, True) if root and not forced else (True,)):
            candidate = replace(wanted, userns=userns)
            facts = _try(candidate)
            if facts.get("ok"):
                plan = candidate
                break
            failures.append(str(facts.get("error")))
    if plan is None:
        plan = bare
        facts = _try(plan) if linux else {"ok": False, "error": "not Linux"}
        if not facts.get("ok") and plan.uid:  # cannot even switch uid: say so, run as is
            failures.append(str(facts.get("error")))
            plan = replace(plan, uid=False)
    if not plan.pid and linux and signals.available() and "signals" not in off:
        # no PID namespace: a seccomp filter keeps its signals to itself, where it loads
        with_filter = replace(plan, signals=True)
        if _try(with_filter).get("ok"):
            plan = with_filter
    return plan, _describe(plan, facts, off, failures, root, linux)


def _describe(plan: jail.Plan, facts: dict[str, Any], off: frozenset[str], failures: list[str],
              root: bool, linux: bool) -> Isolation:
    def refused(name: str) -> str:
        if name in off:
            return f"switched off ({jail.OFF_VAR})"
        if not linux:
            return "not available on this operating system"
        return "refused by the kernel" + (f" ({failures[0]})" if failures else "")

    layers = [
        Layer("pid", plan.pid, DESCRIPTIONS["pid"] if plan.pid else refused("pid") + (
            "; a seccomp filter still lets it signal no process but itself"
            if plan.signals else "")),
        Layer("mount", plan.mount, DESCRIPTIONS["mount"] if plan.mount else refused("mount")),
        Layer("net", plan.net, DESCRIPTIONS["net"] if plan.net else refused("net")),
    ]
    if plan.uid and root and not plan.userns:
        layers.append(Layer("uid", True, "runs as an unprivileged uid of its own "
                            f"({jail.JAIL_UID_BASE} + its PID), never root or the grader's"))
    elif not root and plan.namespaces:
        layers.append(Layer("uid", True, f"runs as uid {os.getuid()}, the grader's own "
                            "unprivileged uid (only root can switch to another), inside a user "
                            "namespace with every capability dropped"))
    elif not root:
        layers.append(Layer("uid", False, f"runs as uid {os.getuid()}, the grader's own, "
                            "and sees everything that uid can"))
    else:
        layers.append(Layer("uid", False, "runs as root (with no capabilities): " + (
            "switched off" if "uid" in off else "inside a user namespace, where only the "
            "grader's own uid can be mapped" if plan.userns else "cannot switch to nobody")))
    layers.append(Layer("env", True, DESCRIPTIONS["env"]))
    tty_safe = plan.mount or (plan.uid and root)
    layers.append(Layer("tty", tty_safe, DESCRIPTIONS["tty"] if tty_safe else
                        "a new session without a controlling terminal, but the grader's "
                        "/dev/pts is reachable with its uid"))
    nproc = plan.namespaces and plan.userns or (plan.uid and root)
    layers.append(Layer("limits", True, DESCRIPTIONS["limits"] if nproc else
                        DESCRIPTIONS["limits"].replace(", a process cap", "")))
    layers.append(Layer("caps", True, DESCRIPTIONS["caps"]))
    return Isolation(tuple(layers), tuple(advice(plan, off, linux)))


def advice(plan: jail.Plan, off: frozenset[str], linux: bool) -> list[str]:
    tips = []
    if os.geteuid() == 0 and plan.uid and not plan.mount and not _world_readable(sys.base_prefix):
        tips.append(f"Python lives under {sys.base_prefix}, which an unprivileged uid cannot "
                    "read: learner code can import only the modules the grader preloaded. "
                    "Install Python in a world-readable place (e.g. /usr/local).")
    if plan.namespaces or {"pid", "mount", "net"} <= off:
        return tips
    if not linux:
        return [*tips, ("Namespaces exist only on Linux: grade on a Linux machine (or a Linux "
                       "VM) for full isolation.")]
    kernel = []
    if _read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1":
        kernel.append("Ubuntu restricts unprivileged user namespaces through AppArmor: "
                      "`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0` (or an "
                      "AppArmor profile that allows `userns` for this Python).")
    if _read("/proc/sys/user/max_user_namespaces") == "0":
        kernel.append("User namespaces are disabled: "
                      "`sudo sysctl user.max_user_namespaces=15000`.")
    if _read("/proc/sys/kernel/unprivileged_userns_clone") == "0":
        kernel.append("Unprivileged user namespaces are disabled: "
                      "`sudo sysctl kernel.unprivileged_userns_clone=1`.")
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        kernel.append("Inside a container, the default seccomp profile blocks unshare(): run it "
                      "with `--security-opt seccomp=unconfined --cap-add SYS_ADMIN` (or a "
                      "seccomp profile that allows unshare and mount). Running as root, the "
                      "child still drops to an unprivileged uid of its own and the course "
                      "files are made unreadable to it.")
    if not kernel:
        kernel.append("The kernel refused new namespaces; `unshare --user --map-root-user "
                      "--pid --mount --net --fork true` shows the reason.")
    return [*kernel, *tips]


def _world_readable(path: str) -> bool:
    """Whether 'other' may walk down to `path` (every folder on the way has o+x)."""
    here = os.path.realpath(path)
    while True:
        try:
            if not os.stat(here).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(here)
        if parent == here:
            return True
        here = parent


def _read(path: str) -> str | None:
    try:
        with open(path) as fh:
            return fh.read().strip()
    except OSError:
        return None
