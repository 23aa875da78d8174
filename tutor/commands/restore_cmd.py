"""`dltutor restore ID [VERSION]`: put a kept version of your code back into your file (default:
the newest one that differs from it). Your current file is kept as a version first, so a restore
never loses anything either: `dltutor restore ID` again undoes it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tutor.commands.common import UsageError, add_exercise_command, open_exercise, usage_errors
from tutor.progress import Version
from tutor.progress.records import digest


def register(sub: argparse._SubParsersAction) -> None:
    p = add_exercise_command(sub, "restore", "put a kept version of your code back (see history)",
                             run)
    p.add_argument("version", metavar="VERSION", nargs="?", type=int, default=None,
                   help="the version number from `dltutor history ID` (default: the newest one "
                        "that differs from your file)")


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.session import NoSuchVersion

    session, exercise = open_exercise(args)
    try:
        before = session.file_state(exercise)
        try:
            path = session.restore(exercise, args.version)
        except NoSuchVersion as exc:
            raise UsageError(str(exc)) from None
        after = session.file_state(exercise)
        versions = {v.digest: v for v in session.history(exercise)}
    finally:
        session.close()
    restored = versions.get(after.digest or "")
    what = describe(restored) if restored else "that version"
    if before.digest == after.digest:
        print(f"{path} already holds {what}.")
        return 0
    line = f"{path} now holds {what}."
    previous = versions.get(before.digest or "")
    if previous is not None and session.progress.persistent:
        line += (f" What it held is kept as version {previous.number}: "
                 f"`dltutor restore {exercise.id} {previous.number}` brings it back.")
    elif before.digest is not None and not before.untouched:
        backup = next((p for p in sorted(path.parent.glob(path.name + ".bak*"))
                       if digest_of(p) == before.digest), None)
        if backup is not None:
            line += f" What it held is in {backup}."
    print(line)
    if session.progress.notice:
        print(f"note: {session.progress.notice.message}", file=sys.stderr)
    return 0


def describe(version: Version) -> str:
    return (f"version {version.number} ({version.when}"
            + (f", {version.verdict}" if version.verdict else "") + ")")


def digest_of(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except OSError:
        return None
