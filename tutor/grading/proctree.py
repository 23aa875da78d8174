"""Find every process below a given one (Linux /proc). No numpy, no torch: the client (the UI
process) uses it to end a worker's whole tree, the zygote to sweep a check's leftovers.

`/proc/PID/task/TID/children` is read first (cheap); where it is missing or unreadable (a
non-dumpable process seen by an unprivileged user), every `/proc/N/stat` is scanned once."""

from __future__ import annotations

import os


def _children_file(pid: int) -> list[int] | None:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # gone
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found.extend(int(x) for x in fh.read().split())
        except (FileNotFoundError, PermissionError):
            return None
        except (OSError, ValueError):
            continue
    return found


def parent_map() -> dict[int, list[int]]:
    """ppid -> children, from every /proc/N/stat."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return children
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses; split after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def descendants(root: int) -> list[int]:
    """Every process below `root`, parents before their children."""
    found: list[int] = []
    seen: set[int] = set()
    scanned: dict[int, list[int]] | None = None
    frontier = [root]
    while frontier:
        step: list[int] = []
        for pid in frontier:
            kids = _children_file(pid)
            if kids is None:
                if scanned is None:
                    scanned = parent_map()
                kids = scanned.get(pid, [])
            step.extend(k for k in kids if k not in seen)
        seen.update(step)
        found.extend(step)
        frontier = step
    return found
