"""`dltutor export gradescope --set FILE --out ZIP`: a Gradescope autograder for a set.

The zip holds setup.sh, run_autograder, dltutor's code without any course content, the set with
its exercises bundled as one pack, and (for hidden cases) the secret seed in a root-only file. No
solution is ever in it. See `tutor.grading.export`. Exit codes: 0 written, 2 usage errors (a
missing or broken set, no seed for a set with [hidden], a solution in an exercise folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tutor.commands.common import UsageError, add_pack_option, usage_errors
from tutor.exitcodes import ExitCode

TARGETS = ("gradescope",)


def register(sub: argparse._SubParsersAction) -> None:
    from tutor.grading.export import DEFAULT_TORCH

    p = sub.add_parser(
        "export", help="build a Gradescope autograder zip for an assignment set",
        description="Build an autograder for TARGET (gradescope): a zip with setup.sh, "
        "run_autograder, dltutor's code (no course content, no solutions), the set's exercises "
        "and, for hidden cases, the secret seed. Upload it as the assignment's autograder.")
    p.add_argument("target", choices=TARGETS, metavar="TARGET",
                   help="where it runs: gradescope")
    p.add_argument("--set", dest="set_file", type=Path, required=True, metavar="FILE",
                   help="the assignment set (TOML)")
    p.add_argument("--out", type=Path, required=True, metavar="ZIP",
                   help="the zip to write (replaced atomically; mode 0600 when it holds a seed)")
    p.add_argument("--seed-file", type=Path, default=None, metavar="FILE",
                   help="read the secret seed from FILE (default: the variable the set's "
                        "[hidden] table names, then $DLTUTOR_SEED); never give it on a "
                        "command line")
    p.add_argument("--torch", dest="torch_version", default=DEFAULT_TORCH, metavar="VERSION",
                   help="the CPU-only torch version setup.sh installs (default: %(default)s)")
    p.add_argument("--allow-partial-isolation", action="store_true",
                   help="let the autograder grade hidden cases where the image's kernel refuses "
                        "namespaces (Docker's default seccomp profile): the child still runs as "
                        "an unprivileged uid and the course files are made unreadable to it")
    add_pack_option(p)
    p.set_defaults(func=run)


@usage_errors
def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from tutor.atomic import write_atomic
    from tutor.grading.export import ExportError, export_gradescope, export_seed
    from tutor.grading.sets import SetError, load_set

    err = Console(stderr=True, highlight=False)
    try:
        assignment = load_set(args.set_file)
        seed, seed_from = export_seed(assignment, args.seed_file)
        export = export_gradescope(args.set_file, packs=args.pack, seed=seed,
                                   torch_version=args.torch_version,
                                   allow_partial_isolation=args.allow_partial_isolation)
    except (SetError, ExportError) as exc:
        raise UsageError(str(exc)) from None
    if seed is not None:
        from tutor.grading.seeds import seed_warning

        warning = seed_warning(seed)
        if warning:  # a short seed: the class can brute-force it from one hidden case
            err.print(warning, style="bold yellow", markup=False)
    data = export.zip_bytes()
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        # never opens --out itself (a symlink there is replaced); a zip with a seed is 0600
        write_atomic(args.out, data, mode=0o600 if export.has_seed else None)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    n = len(export.exercises)
    hidden = (f"hidden cases, seed from {seed_from} (in assignment/seed, root-only; keep the zip "
              "secret)" if seed is not None else "public cases (no seed)")
    err.print(f"wrote {args.out}: {n} exercise{'s' if n != 1 else ''} "
              f"({', '.join(export.exercises)}), {hidden}. Upload it as the Gradescope "
              "autograder; students submit <exercise_id>.py files.", style="dim",
              markup=False)
    return int(ExitCode.OK)
