"""`dltutor train NAME`: a short real training run with live charts in the terminal.

    dltutor train --list
    dltutor train spiral_mlp [--device auto|cpu|cuda|mps] [--epochs N] [--lr X] [--seed S]
    dltutor train digits_lenet --json                  # one JSON event per line, for scripts/CI
    dltutor train spiral_mlp --use-mine adam_step,relu_backward

The run is a separate process (`tutor.training.run`) streaming events; this command renders them
(or passes them through with --json) and never imports torch itself. Ctrl+C stops the run after
its current step and prints the summary; a second Ctrl+C kills it.

`--use-mine` first checks the learner's workspace file with the grader and refuses to train with
a file that does not pass (printing the check's verdict); a passing file is then imported into the
run process and trained beside PyTorch's own version from the same initial weights.

Exit codes: 0 finished, 1 the run failed or a --use-mine file failed its check, 2 usage errors,
130 stopped with Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    find_exercise,
    load,
    usage_errors,
)
from tutor.exitcodes import ExitCode
from tutor.training import registry


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train", help="run a short training experiment with live charts",
        description="Train a small network for real (CPU or GPU) and watch loss and accuracy "
                    "live. `dltutor train --list` shows the experiments.")
    p.add_argument("name", nargs="?", metavar="NAME", help="the experiment, e.g. spiral_mlp")
    p.add_argument("--list", action="store_true", help="list the experiments and exit")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                   help="where to train: auto picks CUDA, then MPS, then the CPU")
    p.add_argument("--epochs", type=_positive_int, help="passes over the data")
    p.add_argument("--steps", type=_positive_int, help="stop after this many steps in all")
    p.add_argument("--lr", type=float, help="learning rate (optimizer_race: for every optimizer)")
    p.add_argument("--seed", type=int, default=0, help="seed for data, weights and batches")
    p.add_argument("--batch-size", type=_positive_int, help="examples per step")
    p.add_argument("--threads", type=_positive_int, help="torch threads on the CPU")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="change one of the experiment's settings (see --list)")
    p.add_argument("--use-mine", action="append", default=[], metavar="ID[,ID]",
                   help="train with your own implementation of these exercises, beside "
                        "PyTorch's (e.g. adam_step, relu_backward, lstm_cell)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON event per line instead of the live display")
    add_pack_option(p)
    add_workspace_option(p)
    p.set_defaults(func=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


@usage_errors
def run(args: argparse.Namespace) -> int:
    if args.list:
        return list_experiments(args.json)
    if not args.name:
        raise UsageError("name an experiment (dltutor train --list shows them)")
    try:
        info = registry.get(args.name)
        registry.parse_overrides(info, args.set)
    except (registry.UnknownExperiment, ValueError) as exc:
        raise UsageError(str(exc)) from None
    console = Console(stderr=args.json)
    mine = check_mine(args, info, console)
    if mine is None:
        return int(ExitCode.FAILED)
    from tutor.training.client import RunRequest, TrainingRun

    request = RunRequest(
        experiment=info.name, device=args.device, epochs=args.epochs, steps=args.steps,
        lr=args.lr, seed=args.seed, batch_size=args.batch_size, threads=args.threads,
        settings=tuple(args.set), mine=tuple(mine))
    with TrainingRun(request) as training:
        end = stream_json(training) if args.json else show_live(training, console)
    if end is None or end.status == "error":
        return int(ExitCode.USAGE if end is not None and end.exit_code == 2 else ExitCode.FAILED)
    return int(ExitCode.INTERRUPTED if end.status == "stopped" else ExitCode.OK)


def stream_json(training):  # type: ignore[no-untyped-def]
    """--json: the run's events, one per line, as they come; Ctrl+C stops the run cleanly."""
    from tutor.training.client import follow

    return follow(training, lambda event: print(event.to_json(), flush=True))


def show_live(training, console: Console):  # type: ignore[no-untyped-def]
    from tutor.training.display import watch

    state = watch(training, console)
    return state.end


def list_experiments(as_json: bool) -> int:
    if as_json:
        rows = [{"name": e.name, "title": e.title, "shows": e.shows, "epochs": e.epochs,
                 "lr": e.lr, "batch_size": e.batch_size, "task": e.task,
                 "use_mine": list(e.mine), "settings": e.config}
                for e in registry.EXPERIMENTS.values()]
        print(json.dumps(rows, indent=2))
        return int(ExitCode.OK)
    console = Console()
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for e in registry.EXPERIMENTS.values():
        lr = "its own lr per optimizer" if e.lr is None else f"lr {e.lr:g}"
        about = Text()
        about.append(e.title, style="bold")
        about.append(f". {e.shows}\n")
        about.append(f"{e.epochs} epochs · batch {e.batch_size} · {lr} · --set "
                     + " ".join(f"{k}={v}" for k, v in e.config.items()) + "\n", style="dim")
        about.append("--use-mine " + ", ".join(e.mine) + "\n", style="dim")
        table.add_row(e.name, about)
    console.print(table)
    console.print("\n[dim]dltutor train NAME [--device auto|cpu|cuda|mps] [--epochs N] "
                  "[--lr X] [--seed S] [--json] [--use-mine ID,...][/dim]")
    return int(ExitCode.OK)


def check_mine(args: argparse.Namespace, info: registry.ExperimentInfo,
               console: Console) -> list[tuple[str, str, Path]] | None:
    """Check each --use-mine file; returns what to swap in, or None (after printing the verdict)
    when one does not pass. Usage errors (no such exercise, does not fit) raise UsageError."""
    wanted = [x.strip() for item in args.use_mine for x in item.split(",") if x.strip()]
    if not wanted:
        return []
    for ex_id in wanted:
        if ex_id not in info.mine:
            fits = [e.name for e in registry.EXPERIMENTS.values() if ex_id in e.mine]
            where = f" It fits: {', '.join(fits)}." if fits else ""
            raise UsageError(f"--use-mine {ex_id} does not fit {info.name} (it takes: "
                             f"{', '.join(info.mine)}).{where}")
    optimizers = [x for x in wanted if x in registry.OPTIMIZER_EXERCISES]
    if len(optimizers) > 1 and info.name != "optimizer_race":
        raise UsageError(f"one optimizer at a time in {info.name} (got {', '.join(optimizers)}); "
                         "optimizer_race takes them all at once")
    from tutor.grading.client import Grader, GraderError
    from tutor.grading.render import plain, render_result
    from tutor.workspace import Workspace, WorkspaceError

    course = load(args)
    try:
        workspace = Workspace.open(args.workspace)
    except WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    chosen = []
    for ex_id in dict.fromkeys(wanted):
        exercise = find_exercise(course, ex_id)
        path = workspace.path(exercise)
        if not path.is_file():
            raise UsageError(f"you have no {exercise.filename} in {workspace.root} yet: "
                             f"run `dltutor check {ex_id}` to create it, then solve it")
        chosen.append((exercise, path))
    with Grader() as grader:
        for exercise, path in chosen:
            try:
                with console.status(f"checking your {exercise.id} before training with it …"):
                    result = grader.check(exercise, path)
            except GraderError as exc:
                console.print(Text.assemble(("The grader failed: ", "red"), plain(str(exc))))
                return None
            if not result.passed:
                console.print(render_result(result))
                console.print(Text(f"Not training with your {exercise.id}: it does not pass its "
                                   f"check yet ({path}). Fix it, or train without --use-mine.",
                                   style="bold red"))
                if args.json:
                    from tutor.training.events import End

                    check = {"exercise": exercise.id, "verdict": str(result.verdict),
                             "message": result.message, "file": str(path)}
                    print(End(status="refused", elapsed_s=0.0, exit_code=1, check=check,
                              message=f"your {exercise.id} does not pass its check").to_json(),
                          flush=True)
                return None
            console.print(Text.assemble(
                ("✓ ", "green"), f"your {exercise.id} passes its check: training with it in "
                f"{registry.MINE_ROLES.get(exercise.id, 'the run')}, beside PyTorch's."))
    print_trust_note(console)
    return [(ex.id, ex.function, path) for ex, path in chosen]


def print_trust_note(console: Console) -> None:
    console.print("[dim]Your file runs inside the training process (your own code, on your "
                  "machine); its prints go to stderr.[/dim]")

