"""The trusted half of a check: cases, PyTorch references, comparison, diagnosis, report.

Runs in the grading worker. Learner code never runs here: `run_sandbox` (the zygote, in
production) executes it and hands back raw frames, which are decoded strictly and compared with
our own numpy. Known-mistake implementations are trusted content and do run here.

Cases and references are computed once per (exercise, seed, hidden) and cached, so a learner's
edit-check loop and a batch of submissions pay for the PyTorch oracle once."""

from __future__ import annotations

import os
import re
import signal
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tutor.course.model import Exercise
from tutor.grading import codec
from tutor.grading.compare import Mismatch, Raised, compare, describe
from tutor.grading.results import CheckResult, FailureReport, InputSummary, Verdict
from tutor.grading.sandbox import (
    OUTPUT_CAP,
    SandboxLost,
    SandboxRequest,
    SandboxResult,
    _to_plain,
    default_drive,
    load_trusted,
)

SIGNAL_WORDS = {
    signal.SIGSEGV: "a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "a bus error (SIGBUS)",
    signal.SIGILL: "an illegal instruction (SIGILL)",
    signal.SIGABRT: "an abort (SIGABRT)",
    signal.SIGFPE: "a floating-point exception (SIGFPE)",
    signal.SIGKILL: "SIGKILL (often the system running out of memory)",
}


def exercise_seed(exercise_id: str, seed: int | None) -> list[int]:
    base = zlib.crc32(exercise_id.encode())
    return [base] if seed is None else [base, int(seed) & 0xFFFFFFFFFFFF]


# Exceptions a reference never raises on purpose: they mean check.py itself is broken.
REFERENCE_BUGS = (AssertionError, NameError, AttributeError, ImportError, SyntaxError)


class ExerciseBug(RuntimeError):
    """The exercise's own trusted code is broken; the message names the file and the case."""


@dataclass(frozen=True)
class PreparedCase:
    label: str
    inputs: bytes  #: codec-encoded keyword arguments
    expected: Any  #: normalised through the codec, or Raised
    rtol: float
    atol: float


@dataclass(frozen=True)
class CaseOutcome:
    status: str  #: pass | fail | error | timeout | crash
    value: Any = None  #: the learner's decoded value, or Raised
    mismatch: Mismatch | None = None
    error: dict[str, Any] | None = None
    problem: str = ""


def normalise(value: Any) -> Any:
    """Send a trusted value through the codec so it looks exactly like a learner's would."""
    return codec.decode(codec.encode(_to_plain(value)))


def raised(exc: BaseException) -> Raised:
    return Raised(type(exc).__name__, str(exc)[:500], tuple(c.__name__ for c in type(exc).__mro__))


class Checker:
    """Grades files against exercises. `run_sandbox` executes untrusted code elsewhere."""

    def __init__(self, run_sandbox: Callable[[SandboxRequest], SandboxResult]) -> None:
        self._run_sandbox = run_sandbox
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
        rng = np.random.default_rng(exercise_seed(exercise.id, seed))
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
        key = (str(path), path.stat().st_mtime_ns, str(exercise.check_path), seed, hidden)
        if key not in self._mistakes:
            drive = getattr(load_trusted(str(exercise.check_path)), "drive", default_drive)
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
              hidden: bool = False, timeout: float | None = None) -> CheckResult:
        start = time.monotonic()
        cases = self.prepare(exercise, seed, hidden)
        request = SandboxRequest(
            file=str(file), function=exercise.function, check_path=str(exercise.check_path),
            cases=[c.inputs for c in cases], timeout=timeout or exercise.timeout,
            memory_mb=exercise.memory_mb, forbidden=exercise.forbidden,
            module_name=exercise.id)
        try:
            result = self._run_sandbox(request)
        except SandboxLost:
            result = SandboxResult("lost", [], b"", False, None, None, 0.0)
        outcomes = self.outcomes(cases, result, request.memory_mb)
        n_pass = sum(o.status == "pass" for o in outcomes)
        first_bad = next((i for i, o in enumerate(outcomes) if o.status != "pass"), None)
        verdict = Verdict.PASS if first_bad is None else Verdict(outcomes[first_bad].status)
        if exercise.scoring == "all":
            score = 1.0 if first_bad is None else 0.0
        else:
            score = n_pass / len(cases) if cases else 0.0
        mistake = None
        if first_bad is not None:
            mistake = self.diagnose(exercise, seed, hidden, cases, outcomes)
        seed_text = "default" if seed is None else ("hidden" if hidden else str(seed))
        report = None
        if first_bad is not None:
            report = build_report(first_bad, cases, outcomes[first_bad], seed_text, hidden)
        total = len(cases)
        if first_bad is None:
            message = f"all {total} cases passed"
        elif hidden and report is not None:
            # hidden cases: the redacted problem, no label (labels may spell out the inputs)
            message = (f"{total - n_pass} of {total} hidden cases failed; first: hidden case "
                       f"{first_bad + 1}: {report.problem}")
        else:
            where = f"case {first_bad + 1}" + (f" ({cases[first_bad].label})"
                                               if cases[first_bad].label else "")
            message = (f"{total - n_pass} of {total} cases failed; first: {where}: "
                       f"{outcomes[first_bad].problem}")
        return CheckResult(
            exercise=exercise.id, verdict=verdict, score=round(score, 6),
            cases_passed=n_pass, cases_total=total,
            duration_ms=(time.monotonic() - start) * 1000, message=message,
            diagnosis=mistake.diagnosis if mistake else None,
            mistake=mistake.id if mistake else None, report=report,
            output=_hidden_output(result.output) if hidden
            else result.output.decode("utf-8", "replace"),
            output_truncated=result.output_truncated and not hidden,
            case_verdicts=tuple(o.status for o in outcomes),
        )

    def outcomes(self, cases: list[PreparedCase], result: SandboxResult,
                 memory_mb: int) -> list[CaseOutcome]:
        outcomes: list[CaseOutcome] = []
        payloads: list[dict[str, Any] | None] = []
        for frame in result.frames[: len(cases)]:
            try:
                payload = codec.decode(frame)
                if not isinstance(payload, dict) or "ok" not in payload:
                    raise codec.CodecError("not a result")
                payloads.append(payload)
            except codec.CodecError as exc:
                payloads.append({"ok": False, "kind": "garbled", "type": "CodecError",
                                 "mro": [], "message": str(exc), "traceback": ""})
        # An import failure is one frame that stands for every case.
        if payloads and payloads[0] is not None and payloads[0].get("stage") == "import":
            payloads = [payloads[0]] * len(cases)
        for i, case in enumerate(cases):
            payload = payloads[i] if i < len(payloads) else None
            if payload is not None:
                outcomes.append(self._judge(case, payload, memory_mb))
            elif i == len(payloads):
                outcomes.append(_abnormal(result, cases))
            else:
                outcomes.append(CaseOutcome("timeout" if result.status == "timeout" else "crash",
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
        """The known mistake that reproduces every wrong answer, if there is one."""
        wrong = [i for i, o in enumerate(outcomes)
                 if o.status in ("fail", "error") and o.value is not None
                 and not (o.error and o.error.get("kind") in ("exit", "output_flood", "garbled",
                                                               "unsendable", "forbidden"))]
        if not wrong or any(isinstance(outcomes[i].value, Raised)
                            and outcomes[i].value.type_name == "NotImplementedError"
                            for i in wrong):
            return None
        for mistake in exercise.mistakes:
            if not mistake.path.is_file():
                continue
            try:
                outputs = self.mistake_outputs(exercise, mistake.path, seed, hidden, cases)
            except Exception:  # noqa: BLE001, S112 - a broken mistake file never breaks a check (validate reports it)
                continue
            if all(_same(outcomes[i].value, outputs[i], cases[i]) for i in wrong):
                return mistake
        return None


def _same(learner: Any, mistake: Any, case: PreparedCase) -> bool:
    if isinstance(learner, Raised) or isinstance(mistake, Raised):
        return (isinstance(learner, Raised) and isinstance(mistake, Raised)
                and learner.type_name == mistake.type_name)
    # the mistake's output plays the reference; loosen tolerances a little for float drift
    return compare(learner, mistake, max(case.rtol, 1e-6), max(case.atol, 1e-9)) is None


def _abnormal(result: SandboxResult, cases: list[PreparedCase]) -> CaseOutcome:
    if result.status == "timeout":
        return CaseOutcome("timeout", problem="took too long (an infinite loop? a sleep?); "
                           "the check was stopped")
    if result.status == "lost":
        return CaseOutcome("crash", problem="your code stopped the grader's own process (did it "
                           "kill its parent?); the grader restarts for the next check")
    if result.status == "too_big":
        return CaseOutcome("crash", problem="returned more data than the grader accepts")
    sig = result.exit_signal
    if sig == signal.SIGXCPU:
        return CaseOutcome("timeout", problem="used more CPU time than allowed (busy threads?)")
    if sig is not None:
        try:
            words = SIGNAL_WORDS.get(signal.Signals(sig), f"signal {sig}")
        except ValueError:
            words = f"signal {sig}"
        return CaseOutcome("crash", problem=f"the process was killed by {words}")
    if result.exit_code is not None:
        return CaseOutcome("error", problem=f"the process exited (code {result.exit_code}) "
                           "before returning a result: does your code call os._exit or "
                           "sys.exit?")
    return CaseOutcome("crash", problem="the process closed its result channel and was stopped")


def _preview(value: Any) -> str:
    if isinstance(value, np.ndarray):
        flat = value.ravel()[:6]
        text = np.array2string(flat, precision=4, separator=", ", suppress_small=False)
        return text[:-1] + (", ...]" if value.size > 6 else "]")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def build_report(index: int, cases: list[PreparedCase], outcome: CaseOutcome, seed: str,
                 hidden: bool) -> FailureReport:
    if hidden:
        return _hidden_report(index, cases, outcome, seed)
    case = cases[index]
    inputs = codec.decode(case.inputs)
    summaries = tuple(
        InputSummary(name, describe(v) if not isinstance(v, (int, float, str, bool))
                     else repr(v), _preview(v))
        for name, v in inputs.items())
    mismatch = outcome.mismatch.to_dict() if outcome.mismatch else None
    error = outcome.error or {}
    expected = describe(case.expected) if not isinstance(case.expected, Raised) else (
        f"raises {case.expected.type_name}")
    got = describe(outcome.value) if outcome.value is not None else ""
    return FailureReport(
        case_index=index, cases_total=len(cases), label=case.label, seed=seed, hidden=False,
        inputs=summaries, problem=outcome.problem, expected=expected, got=got,
        mismatch=mismatch, error_type=error.get("type") if error else None,
        traceback=str(error.get("traceback", "")), line=error.get("line"))


# -- hidden cases -------------------------------------------------------------------------------
# A hidden report says which property failed (shape, dtype, finiteness, how many values differ
# and by how much) and never a hidden value: no input values or scalars, no expected or received
# scalars, no worst-value excerpt, no case label (labels may spell out the inputs), and no
# learner-produced text (exception messages, exit codes, printed output, the source lines in a
# traceback), because learner code can read the hidden inputs and smuggle them out through any of
# those. Array shapes and dtypes stay: they are what "wrong shape" is about.

HIDDEN_OUTPUT_NOTE = "(printed output is not shown for hidden cases)"
_TB_FRAME = re.compile(r'^  File "[^"\n]*", line (\d+), in ([A-Za-z_][A-Za-z0-9_<>]*)$')


def kind_of(value: Any) -> str:
    """Like `describe`, without any value: `float64 array (3, 4)`, `int`, `tuple of 2`."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} scalar" if value.ndim == 0 else \
            f"{value.dtype} array {tuple(value.shape)}"
    if isinstance(value, Raised):
        return f"raised {value.type_name}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"dict of {len(value)}"
    return "None" if value is None else type(value).__name__


def _one_digit(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else float(f"{value:.0e}")


def _hidden_output(output: bytes) -> str:
    return HIDDEN_OUTPUT_NOTE if output else ""


def _hidden_mismatch(m: Mismatch, expected: Any, got: Any) -> tuple[str, dict[str, Any]]:
    """The failed property in words, and the mismatch dict with every value removed."""
    if m.kind in ("values", "nonfinite") and m.n_total > 1:
        what = "are NaN or infinite where the reference is finite" if m.kind == "nonfinite" \
            else "differ from the reference"
        text = f"{m.where}: {m.n_bad} of {m.n_total} values {what}"
        # errors to one significant digit: enough to tell float drift from a wrong formula,
        # too little to rebuild a hidden value from (returning zeros makes max abs = max |ref|)
        errors = (_one_digit(m.max_abs), _one_digit(m.max_rel))
        if m.kind == "values" and errors[0] is not None:
            text += f" (max abs error about {errors[0]:.0e}" + (
                f", max rel error about {errors[1]:.0e})" if errors[1] is not None else ")")
    else:
        errors = (None, None)
        text = {
            "values": f"{m.where}: the value differs from the reference",
            "nonfinite": f"{m.where}: the value is NaN or infinite where the reference is finite",
            "shape": f"{m.where}: {m.message}",
            "dtype": f"{m.where}: {m.message}",
            "structure": f"{m.where}: expected {kind_of(expected)}, got {kind_of(got)}",
            "type": f"{m.where}: expected {kind_of(expected)}, got {kind_of(got)}",
            "raises": f"{m.where}: {kind_of(got)} instead of returning {kind_of(expected)}",
            "no_raise": f"{m.where}: expected "
                        f"{expected.type_name if isinstance(expected, Raised) else 'an error'}"
                        f" to be raised, but it "
                        + (kind_of(got) if isinstance(got, Raised) else
                           f"returned {kind_of(got)}"),
        }.get(m.kind, f"{m.where}: the output does not match ({m.kind})")
    redacted: dict[str, Any] = {"kind": m.kind, "where": m.where, "message": text,
                "max_abs_error": errors[0], "max_rel_error": errors[1],
                "mismatched": m.n_bad, "elements": m.n_total, "worst": [],
                "expected": kind_of(expected), "got": kind_of(got)}
    return text, redacted


def _hidden_traceback(traceback_text: str, error_type: str) -> str:
    """Only `line N, in function` for each of the learner's frames, and the exception type."""
    frames = [f"  line {m.group(1)}, in {m.group(2)}"
              for m in map(_TB_FRAME.match, traceback_text.splitlines()) if m]
    head = ["Traceback (your code; messages are not shown for hidden cases):"] if frames else []
    return "\n".join([*head, *frames, error_type]) + "\n" if error_type else ""


def _hidden_problem(outcome: CaseOutcome, case: PreparedCase, error: dict[str, Any]) -> str:
    if outcome.status == "pass":
        return ""
    kind = error.get("kind")
    err_type = str(error.get("type") or "an exception")
    if outcome.mismatch is not None:
        return _hidden_mismatch(outcome.mismatch, case.expected, outcome.value)[0]
    if kind == "exit":
        return "called sys.exit(): return a value instead"
    if kind == "forbidden":
        return "called a shortcut this exercise forbids (the exercise's hints say which)"
    if kind in ("memory", "output_flood") or not error:
        return outcome.problem  # our own words: no learner text in them
    if kind in ("unsendable", "garbled"):
        return "returned something that cannot be graded (not plain numbers or arrays)"
    if err_type == "SyntaxError" and error.get("line"):
        return f"syntax error on line {int(error['line'])}"
    if err_type == "NotImplementedError" and error.get("stage") != "import":
        return outcome.problem
    where = " (while importing your file)" if error.get("stage") == "import" else ""
    return f"raised {err_type}{where}"


def _hidden_report(index: int, cases: list[PreparedCase], outcome: CaseOutcome,
                   seed: str) -> FailureReport:
    case = cases[index]
    inputs = codec.decode(case.inputs)
    summaries = tuple(InputSummary(name, kind_of(v), "") for name, v in inputs.items())
    error = outcome.error or {}
    mismatch = None
    if outcome.mismatch is not None:
        mismatch = _hidden_mismatch(outcome.mismatch, case.expected, outcome.value)[1]
    err_type = error.get("type") if error else None
    line = error.get("line")
    return FailureReport(
        case_index=index, cases_total=len(cases), label="", seed=seed, hidden=True,
        inputs=summaries, problem=_hidden_problem(outcome, case, error),
        expected=f"raises {case.expected.type_name}" if isinstance(case.expected, Raised)
        else kind_of(case.expected),
        got=kind_of(outcome.value) if outcome.value is not None else "",
        mismatch=mismatch, error_type=str(err_type) if err_type else None,
        traceback=_hidden_traceback(str(error.get("traceback", "")), str(err_type or "")),
        line=int(line) if isinstance(line, int) else None)
