"""`dltutor tui` (also `dltutor` with no command): open the Textual app.

Only this module and the app are imported on that path: no other command's module, and never
torch (the grading worker imports it in its own process)."""

from __future__ import annotations

import argparse

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    load,
    usage_errors,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="open the tutor: lessons, quizzes and exercises (the default)")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    import time

    from tutor.grading.client import Grader

    # The grading worker starts with the app process, before the course, the database and the
    # app itself load: its PyTorch import (the slow part of the first check) overlaps with them
    # on the second core, and the app shows the worker's age while it warms.
    grader = Grader()
    grader.start()
    started = time.monotonic()
    try:
        from tutor.progress import ProgressStore
        from tutor.session import Session
        from tutor.workspace import Workspace, WorkspaceError

        course = load(args)
        try:
            workspace = Workspace.open(args.workspace)
        except WorkspaceError as exc:
            raise UsageError(str(exc)) from None
        session = Session(course, workspace, ProgressStore(workspace.progress_path),
                          grader=grader)

        from tutor.app.app import DLTutorApp

        app = DLTutorApp(session)
        app.grader_since = started
        try:
            app.run()
        finally:
            session.close()  # again, in case the app never started; closing twice is safe
        return int(app.return_code or 0)
    finally:
        grader.close()  # a usage error before the app ran, or the app is done: no worker left
