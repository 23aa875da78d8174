"""Options and helpers every command shares: packs, the workspace, loading the course, and the
one way a request the user can fix ends: a message on stderr and exit code 2, never a traceback
(an unknown id, a missing file, a workspace that is read-only or gone)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.course import ContentError, Course, Exercise, load_course
from tutor.exitcodes import ExitCode

if TYPE_CHECKING:
    from tutor.session import Session


class UsageError(Exception):
    """A request the user can fix (unknown id, missing file); printed without a traceback."""


def add_pack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pack", action="append", type=Path, default=[], metavar="DIR",
                        help="also load an instructor's exercise pack from DIR (repeatable)")


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", type=Path, metavar="DIR", default=None,
                        help="the folder holding your exercise files "
                             "(default: $DLTUTOR_HOME, else the user data directory)")


def load(args: argparse.Namespace, *, strict: bool = False) -> Course:
    try:
        return load_course(getattr(args, "pack", []) or [], strict=strict)
    except ContentError as exc:
        raise UsageError(str(exc)) from None


def find_exercise(course: Course, exercise_id: str) -> Exercise:
    try:
        return course.exercise(exercise_id)
    except KeyError:
        close = [e for e in course.exercises if exercise_id in e or e in exercise_id]
        hint = f" Did you mean: {', '.join(close[:3])}?" if close else ""
        raise UsageError(f"unknown exercise {exercise_id!r}.{hint} "
                         "`dltutor list` shows them all.") from None


def add_exercise_command(sub: argparse._SubParsersAction, name: str, help_text: str,
                         run: Callable[[argparse.Namespace], int], *,
                         optional_id: bool = False) -> argparse.ArgumentParser:
    """A subcommand about one exercise: `ID` (optional with `optional_id`), `--pack`,
    `--workspace`."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("id", metavar="ID", nargs="?" if optional_id else None,
                        help="the exercise id, e.g. relu_backward")
    add_pack_option(parser)
    add_workspace_option(parser)
    parser.set_defaults(func=run)
    return parser


def open_session(args: argparse.Namespace, course: Course | None = None) -> Session:
    """The learner's session (course, workspace, progress) for `--pack` and `--workspace`."""
    from tutor.progress import ProgressStore
    from tutor.session import Session
    from tutor.workspace import Workspace, WorkspaceError

    course = course if course is not None else load(args)
    try:
        workspace = Workspace.open(args.workspace)
    except WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    return Session(course, workspace, ProgressStore(workspace.progress_path))


def open_exercise(args: argparse.Namespace) -> tuple[Session, Exercise]:
    """The learner's session (course, workspace, progress) and the exercise `args.id` names."""
    course = load(args)
    exercise = find_exercise(course, args.id)
    return open_session(args, course), exercise


def fail_usage(message: str) -> int:
    print(f"dltutor: {message}", file=sys.stderr)
    return int(ExitCode.USAGE)


def usage_errors(func):  # type: ignore[no-untyped-def]
    """Decorator: turn UsageError, and a workspace that cannot be used (read-only, gone), into a
    message and exit code 2."""
    from tutor.workspace import WorkspaceError

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except (UsageError, WorkspaceError) as exc:
            return fail_usage(str(exc))

    wrapper.__doc__ = func.__doc__
    return wrapper
