"""`dltutor watch [ID]`: rustlings-style. Re-checks an exercise every time its file is saved (in
any editor) and shows the verdict on a cleared screen with the course's progress; after a pass it
waits for `n` to move on to the next exercise, which is checked on arrival. `q` (or Ctrl+C) quits
with a summary of what passed in this session.

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
from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from tutor.commands.common import (
    add_pack_option,
    add_workspace_option,
    find_exercise,
    usage_errors,
)
from tutor.exitcodes import ExitCode

if TYPE_CHECKING:
    from tutor.course import Exercise
    from tutor.session import Session

POLL = 0.1
DEBOUNCE = 0.2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("watch", help="re-check on every save; n moves on once it passes")
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


BAR_WIDTH = 30


class Watch:
    """What `dltutor watch` shows and how it answers keys and saves, apart from the terminal
    loop in `run` (tests drive it directly): the exercise being watched, what its last check
    said, how many checks ran and what passed in this session.

    Every check clears the screen and draws one frame: the report, then (after a pass) what is
    next, the course's progress bar, the file to edit and the keys. After a pass it stays on the
    exercise until `n` (rustlings does): the learner reads the report, and may keep improving
    the code. Arriving at an exercise checks it at once."""

    def __init__(self, session: Session, exercise: Exercise, console: Console) -> None:
        self.session = session
        self.exercise = exercise
        self.console = console
        self.path = session.workspace.path(exercise)
        self.seen: float | None = None  #: the file's state when it was last checked
        self.passed = False  #: the last check of this exercise passed
        self.checks = 0
        self.passed_here: list[str] = []  #: exercises that passed in this session, in order
        self.finished = False  #: every exercise passes: nothing left to watch

    # -- what the learner does --------------------------------------------------------------

    def arrive(self, exercise: Exercise) -> None:
        """Watch `exercise` from now on (creating its file from the starter) and check it."""
        self.exercise = exercise
        self.passed = False
        self.path = self.session.workspace.ensure(exercise)
        self.check()

    def key(self, key: str) -> bool:
        """Answer one key; False when it means quit."""
        if key == "q":
            return False
        if key == "h":
            self.hint()
        elif key == "n":
            self.next()
        elif key == "r":
            self.check()
        return True

    def changed(self) -> bool:
        """Whether the file differs from what was last checked."""
        return _mtime(self.path) != self.seen

    def check(self) -> bool:
        """Check the file as it is now and draw the frame; returns whether it passed."""
        from tutor.grading.render import render_result

        self.seen = _mtime(self.path)  # a save during the check is checked after it
        with self.console.status(f"checking {self.exercise.id} …"):
            result = self.session.check(self.exercise, self.path)
        self.checks += 1
        self.passed = result.passed
        if result.passed and self.exercise.id not in self.passed_here:
            self.passed_here.append(self.exercise.id)
        self.console.clear()
        self.console.print(render_result(result))
        notice = self.session.isolation_notice()
        if notice:
            self.console.print(Text("note: " + notice, style="yellow"))
        if result.passed:
            nxt = self.next_pending()
            if nxt is None:
                self.finished = True
                self.console.print(Text(f"✔ {self.exercise.id} passed, and with it every "
                                        "exercise of the course. Well done!", style="bold green"))
            else:
                self.console.print(Text.assemble(
                    (f"✔ {self.exercise.id} passed.", "bold green"), f" Next up: {nxt.id}",
                    (" — press n to go on, or keep improving this one.", "")))
        self.console.print(self.status_lines())
        return result.passed

    def next(self) -> None:
        """Go to the next exercise not passed yet (after this one, in course order) and check
        it; say so when every one passes."""
        nxt = self.next_pending()
        if nxt is None:
            self.console.print(Text("Every exercise passes: nothing left to do.", style="green"))
            return
        self.arrive(nxt)

    def hint(self) -> None:
        hint = self.session.next_hint(self.exercise)
        if hint is None:
            self.console.print(Text(f"{self.exercise.id} has no hints.", style="dim"))
            return
        self.console.print(Panel(Text(hint.text), title=f"Hint {hint.number} of {hint.total}",
                                 border_style="cyan"))

    # -- what is shown ----------------------------------------------------------------------

    def next_pending(self) -> Exercise | None:
        """The first exercise after this one (wrapping round) that has not passed."""
        from tutor.progress import ExerciseStatus

        order = self.session.course.ordered_exercises()
        statuses = self.session.statuses()
        ids = [e.id for e in order]
        start = ids.index(self.exercise.id) + 1 if self.exercise.id in ids else 0
        for exercise in order[start:] + order[:start]:
            if (exercise.id != self.exercise.id
                    and statuses.get(exercise.id) is not ExerciseStatus.PASSED):
                return exercise
        return None

    def progress(self) -> tuple[int, int]:
        """(exercises passed, exercises in the course)."""
        from tutor.progress import ExerciseStatus

        statuses = self.session.statuses()
        order = self.session.course.ordered_exercises()
        return sum(statuses.get(e.id) is ExerciseStatus.PASSED for e in order), len(order)

    def status_lines(self) -> Text:
        done, total = self.progress()
        filled = round(BAR_WIDTH * done / total) if total else 0
        t = Text()
        t.append("progress ", style="dim")
        t.append("━" * filled, style="green")
        t.append("━" * (BAR_WIDTH - filled), style="dim")
        t.append(f" {done} of {total} exercises passed\n")
        t.append(f"{self.exercise.id}", style="bold")
        t.append(f" · {self.exercise.title}\n")
        t.append("edit ")
        t.append(str(self.path), style="bold")
        t.append(" in your editor: every save is checked\n")
        t.append("keys: ", style="dim")
        t.append("n next exercise · h hint · r re-check · q quit" if self.passed else
                 "h hint · r re-check · n skip to the next · q quit", style="dim")
        return t

    def summary(self) -> Text:
        """What this session did, for the moment the learner leaves."""
        done, total = self.progress()
        t = Text()
        if self.passed_here:
            t.append(f"Passed this session ({len(self.passed_here)}): ", style="bold green")
            t.append(", ".join(self.passed_here))
        else:
            t.append("Nothing passed this session", style="bold")
            t.append(f" ({self.checks} check{'s' if self.checks != 1 else ''}).")
        t.append(f"\nCourse: {done} of {total} exercises passed.")
        if not self.finished:
            t.append(f" Pick up again with: dltutor watch {self.exercise.id}", style="dim")
        return t


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.progress import ExerciseStatus
    from tutor.session import Session

    session = Session.open(args.workspace, tuple(args.pack))
    course = session.course
    if args.id:
        exercise = find_exercise(course, args.id)
    else:
        statuses = session.statuses()
        pending = [e for e in course.ordered_exercises()
                   if statuses.get(e.id) is not ExerciseStatus.PASSED]
        if not pending:
            Console().print("[green]Every exercise passes. Well done![/green]")
            return 0
        exercise = pending[0]
    console = Console(highlight=False)
    session.grader.start()  # warm up while the learner reads the header
    watch = Watch(session, exercise, console)
    try:
        try:
            with _keys() as keys:
                watch.arrive(exercise)
                while not watch.finished and (args.max_checks is None
                                              or watch.checks < args.max_checks):
                    if keys:
                        key = _read_key(POLL)
                    else:
                        time.sleep(POLL)
                        key = None
                    if key:
                        if not watch.key(key):
                            break
                    elif watch.changed():
                        _settle(watch.path)
                        watch.check()
        except KeyboardInterrupt:
            console.print()  # past the ^C
        console.print(watch.summary())
    finally:
        session.close()
    return int(ExitCode.OK)


def _settle(path: Path) -> None:
    """Debounce: wait until the file stops changing (editors write in steps)."""
    current = _mtime(path)
    while True:
        time.sleep(DEBOUNCE)
        settled = _mtime(path)
        if settled == current:
            return
        current = settled
