"""The set's `[late]` policy: when each submission came in, and what lateness costs.

```toml
[late]
deadline = 2025-03-14T23:59:00-05:00   # with its timezone
penalty_per_day = 10                   # percent off per started day after the deadline
grace_minutes = 15                     # optional: this late still counts as on time
max_penalty = 50                       # optional: never more than this, percent (default 100)
penalty_of = "score"                   # optional: of the points earned, or "max_score"
```

A submission is on time up to `grace_minutes` after its deadline; past that, it is late by every
started day counted from the deadline itself (ten minutes after a 15-minute grace is still one
day). The penalty comes off the total, never below 0; exercise points stay as graded, so reports
show both the raw and the adjusted score.

Where each submission's time comes from, first found wins:

1. `--times FILE.csv`, a row `folder,timestamp` (ISO-8601 with a timezone); an optional
   `deadline` column gives that student their own deadline (an extension);
2. Gradescope's `submission_metadata.json` (its `created_at`) *beside* the folder, as in the
   autograder (`/autograder/submission_metadata.json` next to `/autograder/submission/`), when
   that folder is the only one graded from its parent. Never one inside the folder: the student
   wrote what is in there;
3. the last commit of a git checkout (the folder holds `.git`): its committer date. A student can
   set that date to anything they like; prefer `--times` where it matters.

A submission whose time cannot be found gets no penalty, is reported as "submission time unknown",
and the instructor gets a warning. Reading times is the only I/O here (`collect`); `apply` is a
pure function of the report, the policy and the times."""

from __future__ import annotations

import json
import math
import os
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.grading.csvtable import TableError, read_table
from tutor.grading.gradebook import GradeReport, Lateness, format_points
from tutor.grading.sets import LatePolicy

if TYPE_CHECKING:
    from tutor.grading.batch import Submission

METADATA = "submission_metadata.json"  #: Gradescope's, beside the submission folder
GIT_TIMEOUT_S = 10
LISTED = 10


class LateError(ValueError):
    """The times file cannot be read, or a time in it is not ISO-8601 with a timezone."""


@dataclass(frozen=True)
class SubmissionTime:
    at: datetime | None  #: None: unknown
    source: str = ""  #: where it came from, in words
    deadline: datetime | None = None  #: this submission's own deadline (an extension)
    problem: str = ""  #: why a source that was there could not be read


def parse_time(text: str, where: str) -> datetime:
    """An ISO-8601 time with a timezone (`Z` or an offset)."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError:
        raise LateError(f"{where}: {text!r} is not an ISO-8601 time "
                        "(2025-03-14T23:59:00-05:00)") from None
    if value.utcoffset() is None:
        raise LateError(f"{where}: {text!r} has no timezone (write 2025-03-14T23:59:00-05:00 "
                        "or 2025-03-15T04:59:00Z)")
    return value


def load_times(path: Path) -> dict[str, SubmissionTime]:
    """`--times FILE.csv`: by folder, the submission time and, optionally, its own deadline."""
    try:
        _, rows = read_table(path, required=("folder", "timestamp"), what="times file")
    except TableError as exc:
        raise LateError(str(exc)) from None
    times: dict[str, SubmissionTime] = {}
    lines: dict[str, int] = {}
    for row in rows:
        at = f"times file {path}, line {row.line}"
        folder = row.get("folder").rstrip("/")
        if not folder:
            raise LateError(f"{at}: folder must not be empty")
        if folder in lines:
            raise LateError(f"{at}: folder {folder!r} is already on line {lines[folder]}")
        lines[folder] = row.line
        stamp, own = row.get("timestamp"), row.get("deadline")
        times[folder] = SubmissionTime(
            at=parse_time(stamp, at) if stamp else None, source=f"times file {Path(path).name}",
            deadline=parse_time(own, at) if own else None)
    return times


def gradescope_time(metadata: Path) -> SubmissionTime:
    """`created_at` of Gradescope's submission_metadata.json."""
    try:
        doc = json.loads(metadata.read_text(encoding="utf-8"))
        return SubmissionTime(parse_time(str(doc["created_at"]), str(metadata)), METADATA)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return SubmissionTime(None, problem=f"{metadata} has no readable created_at ({exc})")


def git_time(folder: Path) -> SubmissionTime:
    """The committer date of HEAD in the checkout at `folder`.

    The repository is the student's: its config could name programs for git to run. `git log`
    runs none but a signature checker (`log.showSignature`) and a pager, both switched off here;
    no shell, no terminal, a time limit, and git's own ownership check is left on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    command = ["git", "-c", "log.showSignature=false", "-c", "core.fsmonitor=false",
               "--no-pager", "-C", str(folder), "log", "-1", "--no-show-signature",
               "--format=%cI", "HEAD", "--"]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SubmissionTime(None, problem=f"git could not read {folder} ({exc})")
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no commits?"])[-1][:200]
        return SubmissionTime(None, problem=f"git could not read {folder} ({why})")
    try:
        return SubmissionTime(parse_time(done.stdout.strip(), str(folder)), "git commit")
    except LateError as exc:
        return SubmissionTime(None, problem=str(exc))


def collect(submissions: Sequence[Submission],
            times: Mapping[str, SubmissionTime] | None = None) -> dict[str, SubmissionTime]:
    """Each submission's time (by submission name) from the sources above, in that order."""
    times = times or {}
    siblings = Counter(sub.path.parent for sub in submissions)
    found: dict[str, SubmissionTime] = {}
    for sub in submissions:
        given = times.get(sub.name) or times.get(sub.path.name)
        if given is not None and given.at is not None:
            found[sub.name] = given
            continue
        own = given.deadline if given else None
        metadata = sub.path.parent / METADATA
        if siblings[sub.path.parent] == 1 and metadata.is_file():
            time = gradescope_time(metadata)
        elif (sub.path / ".git").exists():
            time = git_time(sub.path)
        else:
            time = SubmissionTime(None)
        found[sub.name] = replace(time, deadline=own)
    return found


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def assess(policy: LatePolicy, time: SubmissionTime) -> Lateness:
    """How late one submission is under `policy`, and the penalty in percent."""
    deadline = time.deadline or policy.deadline
    if time.at is None:
        return Lateness("", "", _iso(deadline), basis=policy.penalty_of)
    late_by = time.at - deadline
    days = 0
    if late_by > timedelta(minutes=policy.grace_minutes):
        days = math.ceil(late_by / timedelta(days=1))
    penalty = min(policy.max_penalty, days * policy.penalty_per_day)
    return Lateness(_iso(time.at), time.source, _iso(deadline), days, penalty,
                    policy.penalty_of)


def describe(policy: LatePolicy) -> str:
    """The policy in words, for reports."""
    grace = (f", {format_points(policy.grace_minutes)} minutes' grace"
             if policy.grace_minutes else "")
    of = "points earned" if policy.penalty_of == "score" else "maximum"
    return (f"deadline {_iso(policy.deadline)}{grace}, "
            f"{format_points(policy.penalty_per_day)}% of the {of} off per started day late, "
            f"at most {format_points(policy.max_penalty)}%")


def apply(report: GradeReport, policy: LatePolicy,
          times: Mapping[str, SubmissionTime]) -> GradeReport:
    """The report with every submission's lateness, the policy in words and the warnings."""
    subs = tuple(replace(s, late=assess(policy, times.get(s.name, SubmissionTime(None))))
                 for s in report.submissions)
    warnings = list(report.warnings)
    warnings += [t.problem for name, t in sorted(times.items()) if t.problem]
    unknown = [s.name for s in subs if s.late is not None and not s.late.submitted_at]
    if unknown:
        listed = ", ".join(unknown[:LISTED]) + (" …" if len(unknown) > LISTED else "")
        warnings.append(f"no submission time for {len(unknown)} submission"
                        f"{'s' if len(unknown) != 1 else ''} (no --times row, no Gradescope "
                        f"{METADATA} beside it, not a git checkout): no late penalty for "
                        f"{listed}")
    return replace(report, submissions=subs, late_policy=describe(policy),
                   warnings=tuple(warnings))
