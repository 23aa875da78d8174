"""Command-line entry point: argument parsing only.

Each subcommand lives in its own module under `tutor.commands` and exposes `register(subparsers)`,
which adds its parser and sets `func` to a callable taking the parsed namespace and returning an
exit code. This module only collects them, so adding a command never edits another's file.
`dltutor` with no subcommand opens the Textual app. A mistyped command gets a "did you mean"
and exit code 2, like every other usage error.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
from collections.abc import Sequence

from tutor import __version__
from tutor.exitcodes import ExitCode

# Order here is the order `dltutor --help` lists them.
COMMAND_MODULES = (
    "tutor.commands.list_cmd",
    "tutor.commands.lesson_cmd",
    "tutor.commands.check_cmd",
    "tutor.commands.watch_cmd",
    "tutor.commands.hint_cmd",
    "tutor.commands.solution_cmd",
    "tutor.commands.reset_cmd",
    "tutor.commands.history_cmd",
    "tutor.commands.restore_cmd",
    "tutor.commands.train_cmd",
    "tutor.commands.grade_cmd",
    "tutor.commands.report_cmd",
    "tutor.commands.seed_cmd",
    "tutor.commands.export_cmd",
    "tutor.commands.doctor_cmd",
    "tutor.commands.validate_cmd",
    "tutor.commands.new_cmd",
    "tutor.commands.tui_cmd",
    "tutor.commands.serve_cmd",
)


EPILOG = """\
Run `dltutor` alone to open the tutor app; `dltutor --workspace DIR --pack DIR` opens it on
another workspace and with an instructor's exercise pack.

Every learner command takes the same two options:
  --workspace DIR   the folder holding your exercise files and progress
                    (default: $DLTUTOR_HOME, else the user data directory)
  --pack DIR        also load an instructor's exercise pack (repeatable)

`dltutor COMMAND --help` shows a command's own options."""


def command_name(module: str) -> str:
    """`tutor.commands.list_cmd` -> `list`."""
    return module.rsplit(".", 1)[1].removesuffix("_cmd")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dltutor",
        description="Learn deep learning in a terminal. Run with no command to open the tutor.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dltutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command not built yet: skip it, never break the others
                continue
            raise
        module.register(sub)
    return parser


def unknown_command(word: str) -> int:
    """`dltutor chek`: say what was meant instead of argparse's list of every choice."""
    names = [command_name(m) for m in COMMAND_MODULES]
    close = difflib.get_close_matches(word, names, n=2, cutoff=0.6)
    guess = f" Did you mean {' or '.join(close)}?" if close else ""
    print(f"dltutor: unknown command {word!r}.{guess} `dltutor --help` lists the commands.",
          file=sys.stderr)
    return int(ExitCode.USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in {
            command_name(m) for m in COMMAND_MODULES}:
        return unknown_command(argv[0])
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        # `dltutor`, `dltutor --workspace X`: the app. Build only its parser, so opening the app
        # imports no other command's module.
        argv = ["tui", *argv]
    if argv[0] == "tui":
        parser = build_parser([m for m in COMMAND_MODULES if command_name(m) == "tui"])
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["tui", *argv])
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `dltutor list | head`
        return int(ExitCode.OK)
