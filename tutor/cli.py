"""Command-line entry point: argument parsing only.

Each subcommand lives in its own module under `tutor.commands` and exposes `register(subparsers)`,
which adds its parser and sets `func` to a callable taking the parsed namespace and returning an
exit code. This module only collects them, so adding a command never edits another's file.
`dltutor` with no subcommand opens the Textual app.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tutor import __version__
from tutor.exitcodes import ExitCode

# Order here is the order `dltutor --help` lists them.
COMMAND_MODULES = (
    "tutor.commands.list_cmd",
    "tutor.commands.check_cmd",
    "tutor.commands.watch_cmd",
    "tutor.commands.hint_cmd",
    "tutor.commands.solution_cmd",
    "tutor.commands.reset_cmd",
    "tutor.commands.train_cmd",
    "tutor.commands.grade_cmd",
    "tutor.commands.seed_cmd",
    "tutor.commands.export_cmd",
    "tutor.commands.doctor_cmd",
    "tutor.commands.validate_cmd",
    "tutor.commands.new_cmd",
    "tutor.commands.tui_cmd",
)


def command_name(module: str) -> str:
    """`tutor.commands.list_cmd` -> `list`."""
    return module.rsplit(".", 1)[1].removesuffix("_cmd")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dltutor",
        description="Learn deep learning in a terminal. Run with no command to open the tutor.",
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
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
