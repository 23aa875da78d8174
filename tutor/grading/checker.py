"""The trusted half of a check: cases, PyTorch references, comparison, diagnosis, report.

Runs in the grading worker. Learner code never runs here: `run_sandbox` (the zygote, in
production) executes it and hands back raw frames, which are decoded strictly and compared with
our own numpy. Known-mistake implementations are trusted content and do run here.

Cases and references are computed once per (exercise, seed, hidden) and cached, so a learner's
edit-check loop and a batch of submissions pay for the PyTorch oracle once."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tutor.course.model import Exercise
from tutor.grading import codec, redact
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.child import OUTPUT_CAP, to_plain
from tutor.grading.compare import Raised, compare, describe
from tutor.grading.protocol import (
    MAX_FRAME,
    JailSpec,
    SandboxRequest,
    SandboxResult,
    Status,
    parse_reply,
)
from tutor.grading.results import CheckResult, FailureReport, InputSummary, Verdict
from tutor.grading.sandbox import SandboxLost
from tutor.grading.scan import forbidden_uses
from tutor.grading.seeds import case_seed
from tutor.grading.submission import SubmissionError, read_submission
from tutor.grading.trusted import default_drive, load_trusted

SIGNAL_WORDS = {
    signal.SIGSEGV: "a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "a bus error (SIGBUS)",
    signal.SIGILL: "an illegal instruction (SIGILL)",
    signal.SIGABRT: "an abort (SIGABRT)",
    signal.SIGFPE: "a floating-point exception (SIGFPE)",
    signal.SIGKILL: "SIGKILL (often the system running out of memory)",
}


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
        request = SandboxRequest(
            source=source, filename=str(file), function=exercise.function,
            driver_path=str(exercise.driver_path) if exercise.driver_path else "",
            driver_source=exercise.driver_path.read_bytes() if exercise.driver_path else b"",
            cases=tuple(c.inputs for c in cases), timeout=timeout or exercise.timeout,
            memory_mb=exercise.memory_mb, forbidden=exercise.forbidden,
            module_name=exercise.id,
            jail=JailSpec(tuple(os.path.realpath(p) for p in protected)))
        try:
            result = self._run_sandbox(request)
        except SandboxLost:
            result = SandboxResult.lost()
        if result.status is Status.DRIVER:
            raise ExerciseBug(f"{exercise.id}: {result.detail}")
        if result.status is Status.JAIL:  # the grader's fault: nothing of the learner's ran
            raise JailFailure(f"the grader could not build its jail ({result.detail}); "
                              "run `dltutor doctor`")
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
        text = source.decode("utf-8", "replace")
        report = None
        if first_bad is not None:
            report = (redact.hidden_report(first_bad, cases, outcomes[first_bad], seed_text, text)
                      if hidden else build_report(first_bad, cases, outcomes[first_bad], seed_text))
        total = len(cases)
        if first_bad is None:
            message = f"all {total} cases passed"
        elif hidden:
            # hidden cases: the redacted problem, no label (labels may spell out the inputs)
            message = (f"{total - n_pass} of {total} hidden cases failed; first: hidden case "
                       f"{first_bad + 1}: "
                       f"{redact.hidden_problem(outcomes[first_bad], cases[first_bad], text)}")
        else:
            where = f"case {first_bad + 1}" + (f" ({cases[first_bad].label})"
                                               if cases[first_bad].label else "")
            message = (f"{total - n_pass} of {total} cases failed; first: {where}: "
                       f"{outcomes[first_bad].problem}")
        first = outcomes[0].error if outcomes else None
        loaded = not (first and first.get("stage") == "import")
        return CheckResult(
            exercise=exercise.id, verdict=verdict, score=round(score, 6),
            cases_passed=n_pass, cases_total=total,
            duration_ms=(time.monotonic() - start) * 1000, message=message,
            diagnosis=mistake.diagnosis if mistake else None,
            mistake=mistake.id if mistake else None, report=report,
            output=redact.hidden_output(result.output) if hidden
            else result.output.decode("utf-8", "replace"),
            output_truncated=result.output_truncated and not hidden,
            case_verdicts=tuple(o.status for o in outcomes), loaded=loaded,
            flags=forbidden_uses(text, exercise.forbidden),
        )

    def outcomes(self, cases: list[PreparedCase], result: SandboxResult,
                 memory_mb: int) -> list[CaseOutcome]:
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
                outcomes.append(_abnormal(result, cases))
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


def build_report(index: int, cases: list[PreparedCase], outcome: CaseOutcome,
                 seed: str) -> FailureReport:
    """The public report of the first failing case (hidden cases: `redact.hidden_report`)."""
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
