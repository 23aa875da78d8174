"""`dltutor watch [ID]`: rustlings-style. Re-checks an exercise every time its file is saved (in
any editor), shows the verdict, and moves on to the next exercise when it passes.

The file is polled (no extra dependency); a change is checked once it has been stable for the
debounce interval, and changes made while a check runs are picked up after it, never mid-check.
Keys on a terminal: h hint, n next exercise, r re-check, q quit."""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from tutor.commands.common import (
    add_pack_option,
    add_workspace_option,
    find_exercise,
    usage_errors,
)
from tutor.exitcodes import ExitCode

POLL = 0.1
DEBOUNCE = 0.2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="re-check on every save and move on when it passes")
    p.add_argument("id", nargs="?", metavar="ID", help="start here (default: the first "
                   "exercise you have not passed)")
    add_pack_option(p)
    add_workspace_option(p)
    p.add_argument("--max-checks", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _mtime(path: Path) -> float | None:
    try:
        st = path.stat()
        return st.st_mtime_ns + st.st_size
    except OSError:
        return None


@contextmanager
def _keys() -> Iterator[bool]:
    """cbreak mode on a terminal so single keys arrive at once; yields whether keys work."""
    if not sys.stdin.isatty():
        yield False
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _read_key(timeout: float) -> str | None:
    ready, _, _ = select.select([sys.stdin], [], [], timeout)
    if ready:
        ch = os.read(sys.stdin.fileno(), 1)
        return ch.decode(errors="ignore").lower() or None
    return None


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.render import render_result
    from tutor.progress import ExerciseStatus
    from tutor.session import Session

    session = Session.open(args.workspace, tuple(args.pack))
    course = session.course
    if args.id:
        exercise = find_exercise(course, args.id)
    else:
        statuses = session.progress.statuses()
        pending = [e for e in course.ordered_exercises()
                   if statuses.get(e.id) is not ExerciseStatus.PASSED]
        if not pending:
            Console().print("[green]Every exercise passes. Well done![/green]")
            return 0
        exercise = pending[0]
    console = Console(highlight=False)
    checks = 0
    session.grader.start()  # warm up while the learner reads the header

    def announce() -> Path:
        path = session.workspace.ensure(exercise)
        console.print(Rule(f"{exercise.id} · {exercise.title}"))
        console.print(f"Edit [bold]{path}[/bold] in your editor; every save is checked.")
        console.print("[dim]keys: h hint · n next · r re-check · q quit (Ctrl+C also quits)[/dim]")
        return path

    def check(path: Path) -> bool:
        nonlocal checks
        with console.status(f"checking {exercise.id} …"):
            result = session.check(exercise, path)
        checks += 1
        console.print(render_result(result))
        return result.passed

    try:
        with _keys() as keys:
            path = announce()
            seen = _mtime(path)
            passed = check(path)
            while args.max_checks is None or checks < args.max_checks:
                if passed:
                    nxt = course.next_exercise(exercise.id)
                    if nxt is None:
                        console.print("[bold green]That was the last exercise. Well done![/bold green]")
                        return 0
                    console.print(f"[green]✔ {exercise.id} passed.[/green] Next up: {nxt.id}")
                    exercise = nxt
                    path = announce()
                    seen = _mtime(path)
                    passed = check(path) if not session.workspace.is_untouched(exercise) else False
                    continue
                if keys:
                    key = _read_key(POLL)
                else:
                    time.sleep(POLL)
                    key = None
                if key == "q":
                    return 0
                if key == "h":
                    hint = session.next_hint(exercise)
                    if hint:
                        console.print(Panel(Text(hint.text), title=f"Hint {hint.number} of "
                                            f"{hint.total}", border_style="cyan"))
                    continue
                if key == "n":
                    nxt = course.next_exercise(exercise.id)
                    if nxt:
                        exercise = nxt
                        path = announce()
                        seen = _mtime(path)
                    continue
                current = _mtime(path)
                if key == "r" or current != seen:
                    # debounce: wait until the file stops changing (editors write in steps)
                    while True:
                        time.sleep(DEBOUNCE)
                        settled = _mtime(path)
                        if settled == current:
                            break
                        current = settled
                    seen = current
                    passed = check(path)
                    seen = _mtime(path)  # edits during the check trigger the next one
    except KeyboardInterrupt:
        console.print("\nStopped watching.")
        return int(ExitCode.OK)
    finally:
        session.close()
    return 0
