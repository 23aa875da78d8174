"""`dltutor check ID [--file PATH] [--json]`: grade one exercise. Exit 0 on pass, 1 otherwise,
2 on usage errors (unknown id, missing file, a workspace that is read-only or gone).
`dltutor check --all`: re-check every exercise file in the workspace (rebuilds progress after a
lost database); one line each and a summary; exit 0 if every one passed.
`dltutor check ID --case N --save DIR`: write public case N (inputs, expected value) and a short
script that reruns it on your file, to debug one case outside the grader."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from tutor.commands.common import (
    UsageError,
    add_exercise_command,
    open_exercise,
    open_session,
    usage_errors,
)
from tutor.exitcodes import ExitCode
from tutor.present import rich_style, verdict

if TYPE_CHECKING:
    from tutor.course import Exercise


def register(sub: argparse._SubParsersAction) -> None:
    p = add_exercise_command(sub, "check", "check one exercise against PyTorch", run,
                             optional_id=True)
    p.add_argument("--all", action="store_true",
                   help="re-check every exercise file in your workspace, one line each")
    p.add_argument("--file", type=Path, help="check this file instead of your workspace copy")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--timeout", type=float, default=None, help="seconds for all cases")
    p.add_argument("--case", type=int, metavar="N", default=None,
                   help="with --save: public case N, to rerun by itself (see --save)")
    p.add_argument("--save", type=Path, metavar="DIR", default=None,
                   help="write case N's inputs and expected value (.npz and .json) and a short "
                        "script that runs your file on them, into DIR")


@usage_errors
def run(args: argparse.Namespace) -> int:
    from tutor.grading.client import GraderError
    from tutor.grading.render import render_result

    if args.all:
        if args.id is not None or args.file is not None:
            raise UsageError("--all checks every workspace file: give no ID and no --file")
        return run_all(args)
    if args.id is None:
        raise UsageError("which exercise? `dltutor check ID` (`dltutor list` shows them), or "
                         "`dltutor check --all`")
    if args.file is not None and not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    if args.case is not None or args.save is not None:
        return run_save_case(args)
    session, exercise = open_exercise(args)
    course, workspace = session.course, session.workspace
    console = Console(stderr=args.json)
    if args.file is None and not workspace.path(exercise).exists():
        path = workspace.ensure(exercise)
        console.print(Text(f"Created {path} from the starter: edit it, then run this again."))
    try:
        with console.status(f"checking {exercise.id} …"):
            result = session.check(exercise, args.file, timeout=args.timeout)
            notice = session.isolation_notice()
    except GraderError as exc:
        console.print(Text.assemble(("The grader failed: ", "red"), str(exc)))
        return int(ExitCode.USAGE)
    finally:
        session.close()
    if notice:  # never silently: one line, on stderr so --json stays parseable
        Console(stderr=True, highlight=False).print(Text("note: " + notice, style="yellow"))
    if session.progress.notice:  # progress that could not be saved, a file moved aside
        Console(stderr=True, highlight=False).print(
            Text("note: " + session.progress.notice.message, style="yellow"))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        console.print(render_result(result))
        if result.passed:
            nxt = course.next_exercise(exercise.id)
            if nxt:
                console.print(f"Next: [bold]{nxt.id}[/bold] — dltutor check {nxt.id}")
        else:
            console.print(Text(f"Your file: {args.file or workspace.path(exercise)} · "
                               f"stuck? dltutor hint {exercise.id}", style="dim"))
            if result.report is not None and not result.report.hidden:
                console.print(Text(f"Rerun case {result.report.case_index + 1} by itself: dltutor "
                                   f"check {exercise.id} --case {result.report.case_index + 1} "
                                   "--save DIR", style="dim"))
    return int(ExitCode.OK if result.passed else ExitCode.FAILED)




def run_all(args: argparse.Namespace) -> int:
    """`check --all`: every exercise (course order) whose file is in the workspace; an untouched
    starter is listed as not started, not graded."""
    from tutor.grading.client import GraderError

    session = open_session(args)
    workspace = session.workspace
    console = Console(stderr=args.json, highlight=False)
    files = [e for e in session.course.ordered_exercises() if workspace.path(e).is_file()]
    if not files:
        session.close()
        console.print(f"No exercise files in {workspace.root} yet: `dltutor check ID` creates "
                      "one from the starter.")
        return int(ExitCode.OK)
    width = max(len(e.id) for e in files)
    results, untouched = [], []
    try:
        for exercise in files:
            if workspace.is_untouched(exercise):
                untouched.append(exercise.id)
                console.print(Text.assemble((" · ", "dim"), f"{'starter':8} ",
                                            exercise.id.ljust(width), ("  not started", "dim")))
                continue
            with console.status(f"checking {exercise.id} …"):
                result = session.check(exercise)
            results.append(result)
            look = verdict(result.verdict)
            mark, style = look.mark, rich_style(look.tone)
            console.print(Text.assemble(
                (f" {mark} ", style), (f"{result.verdict.value:8} ", style),
                exercise.id.ljust(width),
                f"  {result.cases_passed}/{result.cases_total} · {result.score:.0%}"))
    except GraderError as exc:
        console.print(Text.assemble(("The grader failed: ", "red"), str(exc)))
        return int(ExitCode.USAGE)
    finally:
        session.close()
    passed = sum(r.passed for r in results)
    summary = (f"{passed} of {len(files)} exercise files pass"
               + (f" · {len(untouched)} untouched starter{'s' if len(untouched) != 1 else ''}"
                  if untouched else "") + f" · workspace {workspace.root}")
    console.print(Text(summary, style="bold"))
    if session.progress.notice:
        Console(stderr=True, highlight=False).print(
            Text("note: " + session.progress.notice.message, style="yellow"))
    if args.json:
        print(json.dumps({"workspace": str(workspace.root), "passed": passed,
                          "files": len(files), "not_started": untouched,
                          "results": [r.to_dict() for r in results]}, indent=2))
    all_passed = passed == len(files)
    return int(ExitCode.OK if all_passed else ExitCode.FAILED)


# -- check ID --case N --save DIR: one case to rerun by itself ------------------------------------

CASE_SCRIPT = '''"""Case {number} of {exercise}{label}, as `dltutor check` runs it.

    python {script} [YOUR_FILE]        (default: {learner})

It loads the case's inputs ({stem}_inputs.npz and .json), imports your file, calls
{function} {how},
and prints the expected value ({stem}_expected.*) and what you returned.
The check compares them with rtol={rtol:g}, atol={atol:g}.
"""
import importlib.util, json, sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load(stem):
    """The value in STEM.json, with its arrays from STEM.npz."""
    arrays = np.load(HERE / f"{{stem}}.npz")
    def fill(v):
        if isinstance(v, list):
            return [fill(x) for x in v]
        if not isinstance(v, dict):
            return v
        if "__npz__" in v:
            return arrays[v["__npz__"]]
        if "__tuple__" in v:
            return tuple(fill(x) for x in v["__tuple__"])
        if "__raises__" in v:
            return f"raises {{v['__raises__']}}"
        return {{k: fill(x) for k, x in v.items()}}
    return fill(json.loads((HERE / f"{{stem}}.json").read_text()))


{drive}

learner = module("{exercise}", sys.argv[1] if len(sys.argv) > 1 else {learner!r})
np.set_printoptions(precision=8, threshold=100_000, linewidth=100)
print("expected:", load("{stem}_expected"))
print("got:     ", drive(learner.{function}, **load("{stem}_inputs")))
'''
DRIVE_COPY = ("# how dltutor calls {function} on a case: this is the exercise's drive.py\n"
              "drive = module(\"drive\", HERE / \"drive.py\").drive\n")
DRIVE_PLAIN = ("def drive(fn, **inputs):  # dltutor calls {function} with the case's inputs "
               "as keyword arguments\n    return fn(**inputs)\n")


def run_save_case(args: argparse.Namespace) -> int:
    """`check ID --case N --save DIR`: write public case N and a script that reruns it."""
    from tutor.grading.client import GraderError

    if args.case is None or args.save is None:
        raise UsageError("--case N and --save DIR go together, e.g. "
                         f"`dltutor check {args.id} --case 1 --save case1/`")
    session, exercise = open_exercise(args)
    learner = Path(args.file) if args.file else session.workspace.ensure(exercise)
    try:
        case = session.grader.case(exercise, args.case)
    except IndexError as exc:
        raise UsageError(str(exc)) from None
    except GraderError as exc:
        Console(stderr=True).print(Text.assemble(("The grader failed: ", "red"), str(exc)))
        return int(ExitCode.USAGE)
    finally:
        session.close()
    try:
        files = write_case(args.save, exercise, case, learner.resolve())
    except OSError as exc:
        raise UsageError(f"cannot write to {args.save}: {exc}") from None
    script = files[0]
    if args.json:
        print(json.dumps({"exercise": exercise.id, "case": case["number"],
                          "label": case["label"], "files": [str(f) for f in files],
                          "run": f"python {script}"}, indent=2))
    else:
        label = f" ({case['label']})" if case["label"] else ""
        console = Console(highlight=False)
        console.print(Text(f"Case {case['number']} of {case['cases_total']}{label} is in "
                           f"{args.save}: {', '.join(f.name for f in files)}"))
        console.print(Text(f"Run it on your file: python {script}   "
                           f"(or: python {script} OTHER_FILE)", style="bold"))
    return int(ExitCode.OK)


def write_case(folder: Path, exercise: Exercise, case: dict[str, Any],
               learner: Path) -> list[Path]:
    """caseN.py, caseN_inputs.npz/.json, caseN_expected.npz/.json and a copy of the exercise's
    drive.py when it has one; returns them, the script first."""
    from tutor.grading.compare import Raised

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"case{case['number']}"
    written = [*_save_value(folder / f"{stem}_inputs", case["inputs"]),
               *_save_value(folder / f"{stem}_expected", case["expected"])]
    if exercise.driver_path is not None:
        shutil.copyfile(exercise.driver_path, folder / "drive.py")
        written.append(folder / "drive.py")
    expected = case["expected"]
    how = ("through drive.py (a copy of the exercise's own)" if exercise.driver_path
           else "with the inputs as keyword arguments")
    if isinstance(expected, Raised):
        how += f" (it must raise {expected.type_name})"
    script = folder / f"{stem}.py"
    script.write_text(CASE_SCRIPT.format(
        number=case["number"], exercise=exercise.id, function=exercise.function,
        label=f" ({case['label']})" if case["label"] else "", stem=stem, how=how,
        script=script, learner=str(learner), rtol=case["rtol"], atol=case["atol"],
        drive=(DRIVE_COPY if exercise.driver_path else DRIVE_PLAIN).format(
            function=exercise.function)), encoding="utf-8")
    return [script, *written]


def _save_value(base: Path, value: Any) -> list[Path]:
    """`value` as BASE.json, with every numpy array in BASE.npz (the JSON holds
    {"__npz__": key} in its place; tuples are {"__tuple__": [...]})."""
    import numpy as np

    from tutor.grading.compare import Raised

    arrays: dict[str, Any] = {}

    def plain(v: Any, key: str) -> Any:
        if isinstance(v, np.ndarray):
            arrays[key] = v
            return {"__npz__": key}
        if isinstance(v, Raised):
            return {"__raises__": v.type_name}
        if isinstance(v, tuple):
            return {"__tuple__": [plain(x, f"{key}.{i}") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [plain(x, f"{key}.{i}") for i, x in enumerate(v)]
        if isinstance(v, dict):
            return {str(k): plain(x, f"{key}.{k}") for k, x in v.items()}
        if isinstance(v, bytes):
            return list(v)
        return v

    if isinstance(value, dict):  # the inputs: keyword arguments, their names as array keys
        doc = {str(k): plain(v, str(k)) for k, v in value.items()}
    else:
        doc = plain(value, "value")
    npz, text = base.with_name(base.name + ".npz"), base.with_name(base.name + ".json")
    with npz.open("wb") as handle:
        np.savez(handle, **arrays)
    text.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return [npz, text]
