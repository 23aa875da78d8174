"""The trusted half of a check: cases, PyTorch references, comparison, diagnosis, report.

Runs in the grading worker. Learner code never runs here: `run_sandbox` (the zygote, in
production) executes it and hands back raw frames, which are decoded strictly and compared with
our own numpy. Known-mistake implementations are trusted content and do run here.

Cases and references are computed once per (exercise, seed, hidden) and cached, so a learner's
edit-check loop and a batch of submissions pay for the PyTorch oracle once."""

from __future__ import annotations

import ast
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tutor.course.model import Exercise
from tutor.grading import chain, codec, crashdump, redact
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.child import OUTPUT_CAP, to_plain
from tutor.grading.compare import Raised, compare, describe
from tutor.grading.protocol import (
    MAX_FRAME,
    JailSpec,
    ModuleSpec,
    SandboxRequest,
    SandboxResult,
    Status,
    parse_reply,
)
from tutor.grading.results import (
    CheckResult,
    FailureReport,
    InputSummary,
    PrerequisiteUse,
    Verdict,
)
from tutor.grading.sandbox import SandboxLost
from tutor.grading.scan import forbidden_uses
from tutor.grading.seeds import case_seed
from tutor.grading.submission import SubmissionError, read_submission
from tutor.grading.trusted import default_drive, load_trusted

# Exceptions a reference never raises on purpose: they mean check.py itself is broken.
REFERENCE_BUGS = (AssertionError, NameError, AttributeError, ImportError, SyntaxError)


class ExerciseBug(RuntimeError):
    """The exercise's own trusted code is broken; the message names the file and the case."""


class JailFailure(RuntimeError):
    """The child could not build a layer of its jail that the probe found working; nothing of
    the learner's ran (the worker reports it as the grader's failure, never a verdict)."""


def normalise(value: Any) -> Any:
    """Send a trusted value through the codec so it looks exactly like a learner's would."""
    return codec.decode(codec.encode(to_plain(value)))


def raised(exc: BaseException) -> Raised:
    return Raised(type(exc).__name__, str(exc)[:500], tuple(c.__name__ for c in type(exc).__mro__))


class Checker:
    """Grades files against exercises. `run_sandbox` executes untrusted code elsewhere."""

    def __init__(self, run_sandbox: Callable[[SandboxRequest], SandboxResult]) -> None:
        self.run_sandbox = run_sandbox
        self._cases: dict[tuple[Any, ...], list[PreparedCase]] = {}
        self._mistakes: dict[tuple[Any, ...], list[Any]] = {}

    # -- cases and references ----------------------------------------------------------------

    def prepare(self, exercise: Exercise, seed: int | None, hidden: bool) -> list[PreparedCase]:
        check_path = str(exercise.check_path)
        key = (check_path, os.stat(check_path).st_mtime_ns, seed, hidden,
               exercise.rtol, exercise.atol)
        if key in self._cases:
            return self._cases[key]
        module = load_trusted(check_path)
        rng = np.random.default_rng(case_seed(exercise.id, seed))
        prepared: list[PreparedCase] = []
        for case in module.cases(rng, hidden):
            encoded = codec.encode(case.inputs)
            try:
                expected = normalise(module.reference(**codec.decode(encoded)))
            except REFERENCE_BUGS as exc:
                raise ExerciseBug(
                    f"{exercise.id}: check.py's reference failed on case {len(prepared) + 1} "
                    f"({case.label or 'no label'}) with {type(exc).__name__}: {exc}. That is a "
                    "bug in the exercise, not something a learner must raise.") from exc
            except Exception as exc:  # noqa: BLE001 - the reference says "must raise"
                expected = raised(exc)
            prepared.append(PreparedCase(
                case.label, encoded, expected,
                exercise.rtol if case.rtol is None else case.rtol,
                exercise.atol if case.atol is None else case.atol))
        self._cases[key] = prepared
        return prepared

    def mistake_outputs(self, exercise: Exercise, path: Path, seed: int | None, hidden: bool,
                        cases: list[PreparedCase]) -> list[Any]:
        driver = exercise.driver_path
        key = (str(path), path.stat().st_mtime_ns, str(exercise.check_path),
               exercise.check_path.stat().st_mtime_ns,
               driver.stat().st_mtime_ns if driver else None, seed, hidden)
        if key not in self._mistakes:
            driver = exercise.driver_path
            drive = load_trusted(driver).drive if driver else default_drive
            with chain.trusted_prerequisites(exercise):  # a mistake may import one
                fn = getattr(load_trusted(str(path)), exercise.function)
            outputs: list[Any] = []
            for case in cases:
                try:
                    outputs.append(normalise(drive(fn, **codec.decode(case.inputs))))
                except Exception as exc:  # noqa: BLE001
                    outputs.append(raised(exc))
            self._mistakes[key] = outputs
        return self._mistakes[key]

    # -- the check ------------------------------------------------------------------------------

    def check(self, exercise: Exercise, file: Path, seed: int | None = None,
              hidden: bool = False, timeout: float | None = None,
              confine: Path | None = None) -> CheckResult:
        """Grade `file`. `confine`: the submission's folder, when grading someone else's files:
        the file must then be a regular file inside it (no symlink out of it)."""
        start = time.monotonic()
        cases = self.prepare(exercise, seed, hidden)
        try:
            source = read_submission(file, confine)
        except SubmissionError as exc:
            return CheckResult(
                exercise=exercise.id, verdict=Verdict.ERROR, score=0.0, cases_passed=0,
                cases_total=len(cases), duration_ms=(time.monotonic() - start) * 1000,
                message=str(exc), loaded=False)
        protected = [str(exercise.directory.parent), str(Path(file).parent)]
        if exercise.solution_path is not None:
            protected.append(str(exercise.solution_path.parent))
        driver = exercise.driver_path  # one stat, not four, on every check
        # an exercise that builds on others: their references, only for a file naming one
        prereqs = chain.prerequisites(exercise)
        modules: tuple[ModuleSpec, ...] = ()
        uses: tuple[PrerequisiteUse, ...] = ()
        if prereqs and chain.mentioned(source, prereqs):
            modules, uses = chain.solo_modules(prereqs, Path(file).parent, confine)
        request = SandboxRequest(
            source=source, filename=str(file), function=exercise.function,
            driver_path=str(driver) if driver else "",
            driver_source=driver.read_bytes() if driver else b"",
            cases=tuple(c.inputs for c in cases), timeout=timeout or exercise.timeout,
            memory_mb=exercise.memory_mb, forbidden=exercise.forbidden,
            module_name=exercise.id,
            jail=JailSpec(tuple(os.path.realpath(p) for p in protected)),
            prerequisites=modules)
        try:
            result = self.run_sandbox(request)
        except SandboxLost:
            result = SandboxResult.lost()
        if result.status is Status.DRIVER:
            raise ExerciseBug(f"{exercise.id}: {result.detail}")
        if result.status is Status.JAIL:  # the grader's fault: nothing of the learner's ran
            raise JailFailure(f"the grader could not build its jail ({result.detail}); "
                              "run `dltutor doctor`")
        outcomes = self.outcomes(cases, result, request.memory_mb, frozenset((str(file),)))
        n_pass = sum(o.status == "pass" for o in outcomes)
        first_bad = next((i for i, o in enumerate(outcomes) if o.status != "pass"), None)
        verdict = Verdict.PASS if first_bad is None else Verdict(outcomes[first_bad].status)
        if exercise.scoring == "all":
            score = 1.0 if first_bad is None else 0.0
        else:
            score = n_pass / len(cases) if cases else 0.0
        seed_text = "default" if seed is None else ("hidden" if hidden else str(seed))
        printed = crashdump.printed(result)  # a crash dump is told in the report, not as output
        text = source.decode("utf-8", "replace")
        first = outcomes[0].error if outcomes else None
        loaded = not (first and first.get("stage") == "import")
        total = len(cases)
        mistake, report, line, excerpt = None, None, None, ""
        if first_bad is None:
            message = f"all {total} cases passed"
        elif hidden:
            # hidden cases: the redacted problem, no label (labels may spell out the inputs)
            mistake = self.diagnose(exercise, seed, hidden, cases, outcomes)
            report = redact.hidden_report(first_bad, cases, outcomes[first_bad], seed_text, text)
            message = (f"{total - n_pass} of {total} hidden cases failed; first: hidden case "
                       f"{first_bad + 1}: "
                       f"{redact.hidden_problem(outcomes[first_bad], cases[first_bad], text)}")
        elif not loaded and first is not None:
            # Nothing ran: no case, no inputs, no known mistake; what is wrong with the file.
            message, line, excerpt = load_failure(first, text, exercise.function)
        else:
            mistake = self.diagnose(exercise, seed, hidden, cases, outcomes)
            report = build_report(first_bad, cases, outcomes[first_bad], seed_text,
                                  output_names(exercise))
            where = f"case {first_bad + 1}" + (f" ({cases[first_bad].label})"
                                               if cases[first_bad].label else "")
            message = (f"{total - n_pass} of {total} cases failed; first: {where}: "
                       f"{report.problem}")
        chained = None
        if modules:
            chained = chain.report(
                chain.ChainContext(exercise, request, prereqs, cases, Path(file).parent,
                                   confine, hidden, text),
                first_bad is None, uses, self.run_sandbox,
                lambda c, r: self.outcomes(c, r, request.memory_mb))
        return CheckResult(
            exercise=exercise.id, verdict=verdict, score=round(score, 6),
            cases_passed=n_pass, cases_total=total,
            duration_ms=(time.monotonic() - start) * 1000, message=message,
            diagnosis=mistake.diagnosis if mistake else None,
            mistake=mistake.id if mistake else None, report=report,
            output=redact.hidden_output(printed) if hidden
            else printed.decode("utf-8", "replace"),
            output_truncated=result.output_truncated and not hidden,
            case_verdicts=tuple(o.status for o in outcomes), loaded=loaded,
            flags=forbidden_uses(text, exercise.forbidden), line=line, excerpt=excerpt,
            chain=chained,
        )

    def outcomes(self, cases: list[PreparedCase], result: SandboxResult, memory_mb: int,
                 files: frozenset[str] = frozenset()) -> list[CaseOutcome]:
        """One outcome a case. `files`: the learner's own, for where a crash happened."""
        outcomes: list[CaseOutcome] = []
        payloads: list[dict[str, Any] | None] = []
        # over the frame caps, nothing the child sent is believed: the check is an error
        frames = () if result.status is Status.TOO_BIG else result.frames[: len(cases)]
        for frame in frames:
            reply = parse_reply(frame)
            payloads.append({"ok": True, "value": reply.value} if reply.ok
                            else reply.error.to_dict() if reply.error else None)
        # An import failure is one frame that stands for every case.
        if payloads and payloads[0] is not None and payloads[0].get("stage") == "import":
            payloads = [payloads[0]] * len(cases)
        for i, case in enumerate(cases):
            payload = payloads[i] if i < len(payloads) else None
            if payload is not None:
                outcomes.append(self._judge(case, payload, memory_mb))
            elif i == len(payloads):
                outcomes.append(_abnormal(result, files))
            else:
                outcomes.append(CaseOutcome("timeout" if result.status is Status.TIMEOUT
                                            else "crash",
                                            problem="not run: an earlier case stopped the check"))
        return outcomes

    def _judge(self, case: PreparedCase, payload: dict[str, Any], memory_mb: int) -> CaseOutcome:
        if payload.get("ok"):
            value = payload.get("value")
            mismatch = compare(value, case.expected, case.rtol, case.atol)
            if mismatch is None:
                return CaseOutcome("pass", value)
            return CaseOutcome("fail", value, mismatch, problem=f"{mismatch.where}: "
                               f"{mismatch.message}")
        kind = payload.get("kind")
        err_type = str(payload.get("type", "Exception"))
        message = str(payload.get("message", ""))
        value = Raised(err_type, message, tuple(str(m) for m in payload.get("mro", [])))
        if kind == "memory":
            return CaseOutcome("crash", value, error=payload,
                               problem=f"ran out of memory (the limit is {memory_mb} MiB "
                                       f"above the tutor's own use): {err_type}")
        if kind == "unsendable" or kind == "garbled":
            return CaseOutcome("fail", value, error=payload,
                               problem=f"returned something that cannot be graded: {message}")
        if kind == "output_flood":
            return CaseOutcome("error", value, error=payload, problem=f"printed more than "
                               f"{OUTPUT_CAP // 1024} KiB of output; remove the prints in loops")
        if kind == "exit":
            return CaseOutcome("error", value, error=payload,
                               problem=f"called sys.exit({message}): return a value instead")
        if isinstance(case.expected, Raised):
            mismatch = compare(value, case.expected, case.rtol, case.atol)
            if mismatch is None:
                return CaseOutcome("pass", value)
            return CaseOutcome("fail", value, mismatch, error=payload, problem=mismatch.message)
        if err_type == "NotImplementedError" and payload.get("stage") != "import":
            return CaseOutcome("error", value, error=payload,
                               problem="not implemented yet (the starter raises "
                                       "NotImplementedError): fill in the function")
        where = "while importing your file" if payload.get("stage") == "import" else ""
        problem = f"raised {err_type}: {message}" + (f" ({where})" if where else "")
        if err_type == "SyntaxError" and payload.get("line"):
            problem = f"syntax error on line {payload['line']}: {message}"
        return CaseOutcome("error", value, error=payload, problem=problem)

    def diagnose(self, exercise: Exercise, seed: int | None, hidden: bool,
                 cases: list[PreparedCase], outcomes: list[CaseOutcome]) -> Any:
        """The known mistake whose file reproduces the learner's result on every case, if one
        does; else None.

        Every case, not only the failing ones: a mistake file that fails where the learner
        failed but differs where the learner passed describes another program (a style loss
        whose reshape raises on two cases is not "you compared the features" because the
        features comparison raises there too). A result is reproduced when both are right,
        both raise the same exception type, or the values agree within the case's own tolerance
        (a float32 cross-entropy is off by ~1e-7 everywhere: not "log of softmax", which agrees
        with it at 1e-6 but not at the exercise's 1e-9). Nothing rather than something wrong:
        a case without a value (a timeout, a crash, a case never run, an exit, a flood of
        output, a forbidden call) or an unfinished starter names no mistake."""
        if not any(o.status in ("fail", "error") for o in outcomes):
            return None
        for outcome in outcomes:
            if outcome.status not in ("pass", "fail", "error") or outcome.value is None:
                return None
            if outcome.error and outcome.error.get("kind") in (
                    "exit", "output_flood", "garbled", "unsendable", "forbidden", "memory"):
                return None
            if isinstance(outcome.value, Raised) and \
                    outcome.value.type_name == "NotImplementedError":
                return None
        for mistake in exercise.mistakes:
            if not mistake.path.is_file():
                continue
            try:
                outputs = self.mistake_outputs(exercise, mistake.path, seed, hidden, cases)
            except Exception:  # noqa: BLE001, S112 - a broken mistake file never breaks a check (validate reports it)
                continue
            if len(outputs) == len(cases) and all(
                    _same(outcome, output, case)
                    for outcome, output, case in zip(outcomes, outputs, cases)):
                return mistake
        return None


def _same(learner: CaseOutcome, mistake: Any, case: PreparedCase) -> bool:
    """Whether a mistake file's result on `case` is the learner's: both right (each within the
    case's tolerance of the reference), both raising the same exception type, or both wrong
    with values that agree within the case's own tolerance (the mistake's value playing the
    reference: no looser tolerance, so float drift never passes for a known mistake)."""
    if learner.status == "pass":
        return compare(mistake, case.expected, case.rtol, case.atol) is None
    value = learner.value
    if isinstance(value, Raised) or isinstance(mistake, Raised):
        return (isinstance(value, Raised) and isinstance(mistake, Raised)
                and value.type_name == mistake.type_name)
    return compare(value, mistake, case.rtol, case.atol) is None


def _abnormal(result: SandboxResult, files: frozenset[str]) -> CaseOutcome:
    if result.status is Status.TIMEOUT:
        return CaseOutcome("timeout", problem="took too long (an infinite loop? a sleep?); "
                           "the check was stopped")
    if result.status is Status.LOST:
        return CaseOutcome("crash", problem="your code stopped the grader's own process (did it "
                           "kill its parent?); the grader restarts for the next check")
    if result.status is Status.TOO_BIG:
        return CaseOutcome("error", problem="sent more results, or more data, than the grader "
                           "accepts (a case's result may be at most "
                           f"{MAX_FRAME // (1024 * 1024)} MiB)")
    sig = result.exit_signal
    if sig == signal.SIGXCPU:
        return CaseOutcome("timeout", problem="used more CPU time than allowed (busy threads?)")
    if sig is not None:
        problem, traceback = crashdump.describe(result, files)
        return CaseOutcome("crash", problem=problem, traceback=traceback)
    if result.exit_code is not None:
        return CaseOutcome("error", problem=f"the process exited (code {result.exit_code}) "
                           "before returning a result: does your code call os._exit or "
                           "sys.exit?")
    return CaseOutcome("crash", problem="the process closed its result channel and was stopped")


# -- the public report: what failed, in the learner's terms ---------------------------------------

SHOWN_IN_FULL = 12  #: inputs with at most this many elements are shown whole in a public report
_STEP = re.compile(r"\[(?:-?\d+|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|#)\]")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _steps(path: str) -> list[str] | None:
    """`output[1]['m']` as ["output", "[1]", "['m']"]; None when it is not such a path."""
    head = path.split("[", 1)[0]
    rest = path[len(head):]
    steps = _STEP.findall(rest)
    return [head, *steps] if "".join(steps) == rest and head else None


@dataclass(frozen=True)
class OutputNames:
    """An exercise's `[outputs]`: how places in the compared value read to the learner.

    `patterns` maps a path such as `output[#][1]` (`[#]` matches any index) to a text in which
    `{1}`, `{2}`, ... are the indices `[#]` matched, counted from 1 (`buf after step {1}`).
    `returns` names the tuple the learner's function returns; without a drive.py it also names
    `output[0]`, `output[1]`, ..."""

    function: str
    returns: tuple[str, ...] = ()
    patterns: tuple[tuple[tuple[str, ...], str], ...] = ()
    driven: bool = False  #: the exercise has a drive.py: the result is what `drive` builds

    def place(self, where: str) -> str:
        """`where` (a path `compare` built) in words, or `where` itself when nothing names it."""
        steps = _steps(where)
        if steps is None:
            return where
        best: tuple[tuple[int, int], str, list[int]] | None = None
        for pattern, text in self.patterns:
            if len(pattern) > len(steps) or pattern[0] != steps[0]:
                continue
            found: list[int] = []
            for want, got in zip(pattern[1:], steps[1:]):
                if want == "[#]" and got[1:-1].lstrip("-").isdigit():
                    found.append(int(got[1:-1]))
                elif want != got:
                    break
            else:
                rank = (len(pattern), sum(p != "[#]" for p in pattern))
                if best is None or rank > best[0]:
                    best = (rank, text, found)
        if best is None:
            return where
        _, text, found = best
        named = re.sub(r"\{(\d)\}", lambda m: str(found[int(m.group(1)) - 1] + 1)
                       if 0 < int(m.group(1)) <= len(found) else m.group(0), text)
        rest = "".join(steps[best[0][0]:])
        return named + (f", at {rest}" if rest else "")

    def unnamed_tuple_place(self, where: str) -> str:
        """Without `[outputs]`, a place in a tuple the function returns itself, by position:
        `the 2nd value f returns` for `output[1]`."""
        steps = _steps(where)
        if self.driven or steps is None or len(steps) < 2 or not steps[1][1:-1].isdigit():
            return where
        rest = "".join(steps[2:])
        return (f"the {_ordinal(int(steps[1][1:-1]) + 1)} value {self.function} returns"
                + (f", at {rest}" if rest else ""))

    def whole(self) -> str:
        """What the function must return, in words, for a problem with the whole result."""
        return f"a tuple ({', '.join(self.returns)}) from {self.function}" if self.returns \
            else ""


_NAMES: dict[str, tuple[tuple[int, bool], OutputNames]] = {}  #: toml path -> (stamp, names)


def output_names(exercise: Exercise) -> OutputNames:
    """The exercise's `[outputs]` table (see docs/content-format.md), cached until the file
    changes. A malformed entry is left out: naming never breaks a check."""
    path = exercise.toml_path
    try:
        stamp = (path.stat().st_mtime_ns, exercise.driver_path is not None)
    except OSError:
        return OutputNames(exercise.function)
    cached = _NAMES.get(str(path))
    if cached is None or cached[0] != stamp:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("outputs", {})
        except (OSError, ValueError):
            table = {}
        table = table if isinstance(table, dict) else {}
        returns = table.get("returns", [])
        returns = tuple(str(r) for r in returns) if isinstance(returns, list) else ()
        patterns: list[tuple[tuple[str, ...], str]] = []
        if exercise.driver_path is None:
            patterns += [(("output", f"[{i}]"),
                          f"{name} (the {_ordinal(i + 1)} value {exercise.function} returns)")
                         for i, name in enumerate(returns)]
        for where, text in table.items():
            steps = _steps(where) if isinstance(text, str) else None
            if steps is not None:
                patterns.append((tuple(steps), text))
        _NAMES[str(path)] = (stamp, OutputNames(exercise.function, returns, tuple(patterns),
                                                exercise.driver_path is not None))
    return _NAMES[str(path)][1]


def locate(got: Any, expected: Any, where: str) -> tuple[Any, Any]:
    """The received and expected values at `where`; as far down as both go."""
    steps = _steps(where) or ["output"]
    for step in steps[1:]:
        try:
            key = ast.literal_eval(step[1:-1])
            nxt_e = expected[key]
        except (ValueError, SyntaxError, KeyError, IndexError, TypeError):
            break
        try:
            got = got[key] if isinstance(got, (list, tuple, dict)) else got
        except (KeyError, IndexError, TypeError):
            pass
        expected = nxt_e
    return got, expected


def _values(value: Any) -> str:
    """An input's values: whole up to `SHOWN_IN_FULL` elements, else the first six."""
    if isinstance(value, np.ndarray):
        if value.size <= SHOWN_IN_FULL:
            text = np.array2string(value, precision=4, separator=", ", suppress_small=False,
                                   max_line_width=10_000)
            return re.sub(r"\s*\n\s*", " ", text)
        flat = value.ravel()[:6]
        text = np.array2string(flat, precision=4, separator=", ", suppress_small=False)
        return text[:-1] + ", ...]"
    text = repr(value)
    small = isinstance(value, (list, tuple, dict)) and len(value) <= SHOWN_IN_FULL
    return text if small or len(text) <= 80 else text[:77] + "..."


def summarise_input(name: str, value: Any) -> InputSummary:
    """`x  float64 array (3, 4)  [values]`; a number or string once, as itself (`t  1`)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return InputSummary(name, repr(value), "")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return InputSummary(name, describe(value), "")
    return InputSummary(name, describe(value), _values(value))


def _problem(outcome: CaseOutcome, place: str) -> str:
    m = outcome.mismatch
    if m is not None and outcome.problem.startswith(f"{m.where}: "):
        return f"{place}: {m.message}"
    return outcome.problem


def build_report(index: int, cases: list[PreparedCase], outcome: CaseOutcome,
                 seed: str, names: OutputNames | None = None) -> FailureReport:
    """The public report of the first failing case (hidden cases: `redact.hidden_report`).

    A mismatch is told where it is, in the learner's terms (`names`): the expected and received
    values described are the ones at that place, not the whole structure around them."""
    case = cases[index]
    inputs = codec.decode(case.inputs)
    mismatch = outcome.mismatch.to_dict() if outcome.mismatch else None
    error = outcome.error or {}
    where = outcome.mismatch.where if outcome.mismatch else "output"
    place = names.place(where) if names else where
    if names is not None and place == where and isinstance(case.expected, tuple):
        place = names.unnamed_tuple_place(where)
    got, expected = outcome.value, case.expected
    if outcome.mismatch is not None and not isinstance(expected, Raised) \
            and not isinstance(got, Raised):
        got, expected = locate(got, expected, where)
    if isinstance(expected, Raised):
        expected_text = f"raises {expected.type_name}"
    elif where == "output" and names is not None and names.returns \
            and isinstance(expected, (tuple, list, dict)):
        expected_text = names.whole()
    else:
        expected_text = describe(expected)
    return FailureReport(
        case_index=index, cases_total=len(cases), label=case.label, seed=seed, hidden=False,
        inputs=tuple(summarise_input(name, v) for name, v in inputs.items()),
        problem=_problem(outcome, place), expected=expected_text,
        got=describe(got) if outcome.value is not None else "",
        mismatch=mismatch, error_type=error.get("type") if error else None,
        traceback=str(error.get("traceback", "")) or outcome.traceback, line=error.get("line"),
        place="" if place == "output" else place)


# -- a file that does not load --------------------------------------------------------------------

_FRAME = re.compile(r'^\s*File ".*", line (\d{1,9}), in .{1,200}$')
_SYNTAX_SUFFIX = re.compile(r" \([^()]*, line \d+\)$")


def _numbered(source_lines: list[str], line: int, caret: int | None = None) -> str:
    if not 1 <= line <= len(source_lines):
        return ""
    text = source_lines[line - 1].rstrip("\r\n").replace("\t", "    ")
    width = len(str(line))
    out = f"{line:>{width}} | {text[:200]}"
    if caret is not None and 1 <= caret <= len(text) + 1:
        out += f"\n{' ' * width} | {' ' * (caret - 1)}^"
    return out


def _top_level_functions(source: str) -> list[str]:
    if len(source) > redact.MAX_SOURCE_CHARS:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def load_failure(error: dict[str, Any], source: str, function: str
                 ) -> tuple[str, int | None, str]:
    """A file that did not load, in one line, with the line it points at and that line's text:
    (message, line, excerpt). `error` is the child's import-stage payload; the source lines
    come from the file as the grader read it. Public reports only."""
    lines = source.splitlines()
    err_type = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))
    mro = [str(m) for m in error.get("mro", [])] or [err_type]
    kind = error.get("kind")
    if "SyntaxError" in mro:
        line, caret, what = error.get("line"), None, _SYNTAX_SUFFIX.sub("", message)
        try:  # our own parse (as redact's, and as large at most): the column, a clean message
            if len(source) <= redact.MAX_SOURCE_CHARS:
                ast.parse(source)
        except SyntaxError as exc:
            line, what = exc.lineno or line, exc.msg or what
            caret = exc.offset if exc.lineno == line else None
        except (ValueError, RecursionError, MemoryError, OverflowError):
            pass
        line = line if isinstance(line, int) else None
        return (f"your file does not parse: line {line}: {what}" if line
                else f"your file does not parse: {what}",
                line, _numbered(lines, line, caret) if line else "")
    if err_type == "AttributeError" and message.endswith(f"does not define a function named "
                                                         f"{function}"):
        others = [f for f in _top_level_functions(source) if f != function]
        return (f"your file does not define a function named {function}"
                + (f" (it defines {', '.join(others[:5])})" if others else ""), None, "")
    # the child's traceback holds only frames in the learner's file: the lines it went through
    frames = [int(m.group(1)) for raw in str(error.get("traceback", "")).splitlines()
              if (m := _FRAME.match(raw))]
    line = frames[-1] if frames else None
    excerpt = "\n".join(filter(None, (_numbered(lines, n) for n in frames[-4:])))
    at = f" (line {line})" if line else ""
    if kind == "exit":
        return (f"your file called sys.exit({message}) while it was imported{at}: remove it, "
                "or put it under `if __name__ == '__main__':`"), line, excerpt
    if kind == "memory":
        return f"your file ran out of memory while it was imported{at}", line, excerpt
    if kind == "output_flood":
        return (f"your file printed more than {OUTPUT_CAP // 1024} KiB of output while it was "
                f"imported{at}: remove the prints in loops"), line, excerpt
    return (f"importing your file raised {err_type}" + (f": {message}" if message else "") + at,
            line, excerpt)
