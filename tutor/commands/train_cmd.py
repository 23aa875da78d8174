"""`dltutor train NAME`: a short real training run with live charts in the terminal.

    dltutor train --list
    dltutor train spiral_mlp [--device auto|cpu|cuda|mps] [--epochs N] [--lr X] [--seed S]
    dltutor train digits_lenet --json                  # one JSON event per line, for scripts/CI
    dltutor train spiral_mlp --use-mine adam_step,relu_backward
    dltutor train digits_lenet --use-mine all          # every piece of yours that fits

The run is a separate process (`tutor.training.run`) streaming events; this command renders them
(or passes them through with --json) and never imports torch itself. Ctrl+C stops the run after
its current step and prints the summary; a second Ctrl+C kills it.

`--use-mine` first checks the learner's workspace file with the grader and refuses to train with
a file that does not pass (printing the check's verdict); a passing file is then imported into the
run process and trained beside PyTorch's own version from the same initial weights. Which
exercises fit a run is data: each exercise's `[train]` slot against the experiment's `slots`
(`tutor.training.swap`).

`--use-mine all` takes every exercise that fits and that the learner has started. It does not
refuse the run for one failing file: the passing ones train, and each one left out is named with
its verdict (before the run and as a warning note in it). The exit status is still 1 then, as
for a refused file, so a script asking for all of the learner's code learns that it did not get
all of it; the learner, who watched the run, has already read why.

Exit codes: 0 finished, 1 the run failed or a --use-mine file failed its check (also when
`all` left one out), 2 usage errors, 130 stopped with Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.commands.common import (
    UsageError,
    add_pack_option,
    add_workspace_option,
    load,
    usage_errors,
)
from tutor.exitcodes import ExitCode
from tutor.training import registry, swap


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
    p.add_argument("--use-mine", action="append", default=[], metavar="ID[,ID]|all",
                   help="train with your own implementation of these exercises, beside "
                        "PyTorch's (e.g. adam_step, relu_backward, lstm_cell; `all`: every one "
                        "of yours that fits and passes its check)")
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
        return list_experiments(args)
    if not args.name:
        raise UsageError("name an experiment (dltutor train --list shows them)")
    try:
        info = registry.get(args.name)
        registry.parse_overrides(info, args.set)
    except (registry.UnknownExperiment, ValueError) as exc:
        raise UsageError(str(exc)) from None
    console = Console(stderr=args.json)
    chosen = check_mine(args, info, console)
    if chosen is None:
        return int(ExitCode.FAILED)
    from tutor.training.client import RunRequest, TrainingRun

    request = RunRequest(
        experiment=info.name, device=args.device, epochs=args.epochs, steps=args.steps,
        lr=args.lr, seed=args.seed, batch_size=args.batch_size, threads=args.threads,
        settings=tuple(args.set), mine=chosen.mine, slots=chosen.slots, notes=chosen.notes)
    with TrainingRun(request) as training:
        end = stream_json(training) if args.json else show_live(training, console, args)
    if end is None or end.status == "error":
        return int(ExitCode.USAGE if end is not None and end.exit_code == 2 else ExitCode.FAILED)
    if end.status == "stopped":
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.FAILED if chosen.left_out else ExitCode.OK)


def stream_json(training):  # type: ignore[no-untyped-def]
    """--json: the run's events, one per line, as they come; Ctrl+C stops the run cleanly."""
    from tutor.training.client import follow

    return follow(training, lambda event: print(event.to_json(), flush=True))


def show_live(training, console: Console, args: argparse.Namespace | None = None):  # type: ignore[no-untyped-def]
    from tutor.training.display import watch

    state = watch(training, console, lessons=lesson_numbers(args))
    return state.end


def lesson_numbers(args: argparse.Namespace | None) -> dict[str, int]:
    """Lesson number by id, so a training-health symptom's link reads "lesson 7" (loaded while
    the run process imports torch); empty when the course cannot be read."""
    try:
        return {lesson.id: lesson.number for lesson in load(args).lessons} if args else {}
    except UsageError:
        return {}


def list_experiments(args: argparse.Namespace) -> int:
    course = load(args)  # which exercises fit comes from the course (packs included)
    fits = {e.name: [ex.id for ex in swap.fitting(e, course)] for e in registry.EXPERIMENTS.values()}
    if args.json:
        rows = [{"name": e.name, "title": e.title, "shows": e.shows, "epochs": e.epochs,
                 "lr": e.lr, "batch_size": e.batch_size, "task": e.task,
                 "slots": list(e.slots), "use_mine": fits[e.name], "settings": e.config}
                for e in registry.EXPERIMENTS.values()]
        print(json.dumps(rows, indent=2))
        return int(ExitCode.OK)
    console = Console()
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for e in registry.EXPERIMENTS.values():
        lr = "its own lr per series" if e.lr is None else f"lr {e.lr:g}"
        about = Text()
        about.append(e.title, style="bold")
        about.append(f". {e.shows}\n")
        about.append(f"{e.epochs} epochs · batch {e.batch_size} · {lr} · --set "
                     + " ".join(f"{k}={v}" for k, v in e.config.items()) + "\n", style="dim")
        if fits[e.name]:
            about.append("--use-mine all, or " + ", ".join(fits[e.name]) + "\n", style="dim")
        table.add_row(e.name, about)
    console.print(table)
    console.print("\n[dim]dltutor train NAME [--device auto|cpu|cuda|mps] [--epochs N] "
                  "[--lr X] [--seed S] [--json] [--use-mine ID,...|all][/dim]")
    return int(ExitCode.OK)


@dataclass(frozen=True)
class Chosen:
    """What the run swaps in (`RunRequest.mine`, `.slots`) and what `all` left out."""

    mine: tuple[tuple[str, str, Path], ...] = ()
    slots: tuple[tuple[str, Any], ...] = ()
    notes: tuple[str, ...] = ()  #: a warning per exercise left out, shown in the run
    left_out: tuple[str, ...] = field(default_factory=tuple)  #: ids refused by their check


def check_mine(args: argparse.Namespace, info: registry.ExperimentInfo,
               console: Console) -> Chosen | None:
    """Check each --use-mine file; returns what to swap in, or None (after printing the verdict)
    when the run is refused: a named file does not pass, or under `all` none does. Usage errors
    (no such exercise, does not fit, no file) raise UsageError."""
    wanted = swap.wanted_ids(args.use_mine)
    if not wanted:
        return Chosen()
    from tutor.grading.client import Grader, GraderError
    from tutor.grading.render import plain
    from tutor.workspace import Workspace, WorkspaceError

    course = load(args)
    try:
        workspace = Workspace.open(args.workspace)
    except WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    everything = wanted == [swap.ALL]
    try:
        if everything:
            candidates = swap.everything(
                info, course, lambda ex: workspace.path(ex).is_file()
                and not workspace.is_untouched(ex))
            exercises = list(candidates.check)
        else:
            exercises = swap.named(info, course, wanted)
    except swap.SwapError as exc:
        raise UsageError(str(exc)) from None
    if everything:
        _say_skipped(console, info, candidates)
        if not exercises:
            raise UsageError(f"none of the exercises that fit {info.name} is started in "
                             f"{workspace.root} yet ("
                             f"{', '.join(ex.id for ex in swap.fitting(info, course))}): solve "
                             "one (`dltutor check ID` creates its file), then train with it")
    for exercise in exercises:
        if not workspace.path(exercise).is_file():
            raise UsageError(f"you have no {exercise.filename} in {workspace.root} yet: "
                             f"run `dltutor check {exercise.id}` to create it, then solve it")
    chosen = [(ex, workspace.path(ex)) for ex in exercises]
    try:
        with Grader() as grader:
            def check(exercise: Any, path: Path) -> Any:
                with console.status(f"checking your {exercise.id} before training with it …"):
                    return grader.check(exercise, path)

            vetted = swap.vet(chosen, check, stop_at_first=not everything)
    except GraderError as exc:
        console.print(Text.assemble(("The grader failed: ", "red"), plain(str(exc))))
        return None
    if vetted.refused and (not everything or not vetted.passed):
        _refuse(args, console, vetted, everything)
        return None
    notes = []
    for exercise, _path, result in vetted.refused:  # only under `all`: the run goes on
        line = swap.refusal_line(exercise, result)
        notes.append(line)
        console.print(Text.assemble(("✗ ", "red"), plain(line)))
    for exercise, _path in vetted.passed:
        role = exercise.train.describe(exercise.title) if exercise.train else "the run"
        console.print(Text.assemble(
            ("✓ ", "green"), f"your {exercise.id} passes its check: training with it in "
            f"{role}, beside PyTorch's."))
    print_trust_note(console)
    return Chosen(vetted.request(), vetted.slots(), tuple(notes),
                  tuple(ex.id for ex, _, _ in vetted.refused))


def _say_skipped(console: Console, info: registry.ExperimentInfo,
                 candidates: swap.Candidates) -> None:
    if candidates.not_started:
        console.print(Text("Not started yet (PyTorch's pieces run there): "
                           + ", ".join(ex.id for ex in candidates.not_started), style="dim"))
    for exercise, why in candidates.passed_over:
        console.print(Text(f"Not using your {exercise.id}: {why}.", style="dim"))


def _refuse(args: argparse.Namespace, console: Console, vetted: swap.Vetted,
            everything: bool) -> None:
    """Print why nothing trains: each refused file's verdict (the whole report when a named
    file failed; one line each under `all`), and in --json one `end` event "refused"."""
    from tutor.grading.render import plain, render_result

    exercise, path, result = vetted.refused[0]
    if everything:
        for ex, _path, res in vetted.refused:
            console.print(Text.assemble(("✗ ", "red"), plain(swap.refusal_line(ex, res))))
        console.print(Text("Not training: none of your exercises that fit this run passes its "
                           "check yet. Fix one, or train without --use-mine.", style="bold red"))
    else:
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


def print_trust_note(console: Console) -> None:
    console.print("[dim]Your file runs inside the training process (your own code, on your "
                  "machine); its prints go to stderr.[/dim]")

