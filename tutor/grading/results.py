"""Results are values: verdicts, case outcomes and failure reports as frozen dataclasses.

Every output format (the CLI's Rich view, JSON, the TUI panel, JUnit, Gradescope) is a pure
function of these, and they round-trip through `to_dict` / `from_dict` so the worker process can
send them to a client as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Verdict(str, Enum):
    PASS = "pass"
    FAIL = "fail"  #: wrong values, shape or dtype
    ERROR = "error"  #: an exception, import or syntax error, an early exit
    TIMEOUT = "timeout"
    CRASH = "crash"  #: killed by a signal or a limit (memory, segfault)
    MISSING = "missing"  #: no file to grade (sets and batch grading)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class InputSummary:
    name: str
    description: str  #: `float64 array (3, 4)`, `int 2`
    preview: str = ""  #: a few values; empty for hidden cases

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "preview": self.preview}


@dataclass(frozen=True)
class FailureReport:
    """The first failing case, in the learner's terms."""

    case_index: int
    cases_total: int
    label: str
    seed: str
    hidden: bool
    inputs: tuple[InputSummary, ...]
    problem: str  #: one sentence: what is wrong
    expected: str = ""  #: short description of the expected value
    got: str = ""
    mismatch: dict[str, Any] | None = None  #: `Mismatch.to_dict()` for wrong values
    error_type: str | None = None
    traceback: str = ""
    line: int | None = None  #: syntax error line
    #: where the first mismatch is, in the learner's terms (`dW2, the 3rd value mlp_backward
    #: returns`), from the exercise's `[outputs]`; "" for a whole-output problem
    place: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_index + 1, "cases_total": self.cases_total, "label": self.label,
            "seed": self.seed, "hidden": self.hidden,
            "inputs": [i.to_dict() for i in self.inputs], "problem": self.problem,
            "expected": self.expected, "got": self.got, "mismatch": self.mismatch,
            "error_type": self.error_type, "traceback": self.traceback, "line": self.line,
            "place": self.place,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FailureReport:
        return cls(
            case_index=int(d["case"]) - 1, cases_total=int(d["cases_total"]),
            label=d.get("label", ""), seed=str(d.get("seed", "")), hidden=bool(d.get("hidden")),
            inputs=tuple(InputSummary(**i) for i in d.get("inputs", [])),
            problem=d.get("problem", ""), expected=d.get("expected", ""), got=d.get("got", ""),
            mismatch=d.get("mismatch"), error_type=d.get("error_type"),
            traceback=d.get("traceback", ""), line=d.get("line"), place=d.get("place", ""),
        )


@dataclass(frozen=True)
class PrerequisiteUse:
    """Which implementation of a prerequisite a run used: the learner's own file, or the
    reference solution, and why not theirs (`note`)."""

    id: str
    mine: bool
    note: str = ""  #: e.g. `no relu_backward.py beside your file`

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "mine": self.mine, "note": self.note}


@dataclass(frozen=True)
class Culprit:
    """The first call into one of the learner's prerequisites that disagreed with the
    reference on the same inputs, during the chained run (`tutor.grading.chain`)."""

    function: str  #: the prerequisite's exercise id
    case_index: int  #: the exercise's case the call happened in (0-based)
    call: int  #: which recorded call of that case (1-based)
    caller: str = ""  #: the learner's function that made the call ("" when not known or hidden)
    line: int | None = None  #: the line of the learner's file it was made from
    problem: str = ""  #: what differs, in words (hidden: the property only)
    inputs: tuple[InputSummary, ...] = ()  #: the call's inputs (none for hidden cases)
    expected: str = ""
    got: str = ""
    mismatch: dict[str, Any] | None = None
    label: str = ""  #: the case's label (public cases)

    def to_dict(self) -> dict[str, Any]:
        return {"function": self.function, "case": self.case_index + 1, "call": self.call,
                "caller": self.caller, "line": self.line, "problem": self.problem,
                "inputs": [i.to_dict() for i in self.inputs], "expected": self.expected,
                "got": self.got, "mismatch": self.mismatch, "label": self.label}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Culprit:
        return cls(function=d["function"], case_index=int(d["case"]) - 1, call=int(d["call"]),
                   caller=d.get("caller", ""), line=d.get("line"), problem=d.get("problem", ""),
                   inputs=tuple(InputSummary(**i) for i in d.get("inputs", [])),
                   expected=d.get("expected", ""), got=d.get("got", ""),
                   mismatch=d.get("mismatch"), label=d.get("label", ""))


@dataclass(frozen=True)
class ChainReport:
    """An exercise that builds on earlier ones, run with the learner's own earlier functions.

    Feedback only: the verdict and score come from the run with the reference prerequisites
    (an exercise is graded on its own). `status`: `passed` or `failed` (the chained run ran),
    `waiting` (this exercise does not pass yet: only then are the learner's own tried),
    `references` (none of the learner's own prerequisite files could be used)."""

    status: str
    message: str  #: one line
    uses: tuple[PrerequisiteUse, ...] = ()
    verdict: str = ""  #: the chained run's verdict, when it ran
    cases_passed: int = 0
    cases_total: int = 0
    culprit: Culprit | None = None
    hidden: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "message": self.message,
                "uses": [u.to_dict() for u in self.uses], "verdict": self.verdict,
                "cases_passed": self.cases_passed, "cases_total": self.cases_total,
                "culprit": self.culprit.to_dict() if self.culprit else None,
                "hidden": self.hidden}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ChainReport:
        return cls(status=d["status"], message=d.get("message", ""),
                   uses=tuple(PrerequisiteUse(u["id"], bool(u["mine"]), u.get("note", ""))
                              for u in d.get("uses", [])),
                   verdict=d.get("verdict", ""), cases_passed=int(d.get("cases_passed", 0)),
                   cases_total=int(d.get("cases_total", 0)),
                   culprit=Culprit.from_dict(d["culprit"]) if d.get("culprit") else None,
                   hidden=bool(d.get("hidden")))


@dataclass(frozen=True)
class CheckResult:
    exercise: str
    verdict: Verdict
    score: float  #: in [0, 1]
    cases_passed: int
    cases_total: int
    duration_ms: float
    message: str  #: one line
    diagnosis: str | None = None  #: the known mistake's sentence, when one matched
    mistake: str | None = None  #: the known mistake's id
    report: FailureReport | None = None
    output: str = ""  #: what the learner's code printed (plain text, capped)
    output_truncated: bool = False
    case_verdicts: tuple[str, ...] = field(default_factory=tuple)
    #: the file compiled, imported and defined the function: only then is a check an attempt
    #: (a syntax error, an import error or a missing function is reported, never counted)
    loaded: bool = True
    #: for the instructor: uses of the exercise's forbidden shortcuts found in the source
    #: (`scan.forbidden_uses`); not shown in student-facing formats
    flags: tuple[str, ...] = ()
    #: a file that did not load: the line of it the message points at (the syntax error, the
    #: statement that raised while importing), and that source as numbered lines (a caret under
    #: a syntax error); no case ran, so there is no `report`
    line: int | None = None
    excerpt: str = ""
    #: the exercise imports earlier exercises' functions (`requires`): how it does with the
    #: learner's own ones, feedback beside the verdict; None when it imports none
    chain: ChainReport | None = None

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "verdict": self.verdict.value, "score": self.score,
            "cases_passed": self.cases_passed, "cases_total": self.cases_total,
            "duration_ms": round(self.duration_ms, 1), "message": self.message,
            "diagnosis": self.diagnosis, "mistake": self.mistake,
            "report": self.report.to_dict() if self.report else None,
            "output": self.output, "output_truncated": self.output_truncated,
            "case_verdicts": list(self.case_verdicts), "loaded": self.loaded,
            "flags": list(self.flags), "line": self.line, "excerpt": self.excerpt,
            # only when there is one: results of exercises without prerequisites read as before
            **({"chain": self.chain.to_dict()} if self.chain is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CheckResult:
        return cls(
            exercise=d["exercise"], verdict=Verdict(d["verdict"]), score=float(d["score"]),
            cases_passed=int(d["cases_passed"]), cases_total=int(d["cases_total"]),
            duration_ms=float(d["duration_ms"]), message=d["message"],
            diagnosis=d.get("diagnosis"), mistake=d.get("mistake"),
            report=FailureReport.from_dict(d["report"]) if d.get("report") else None,
            output=d.get("output", ""), output_truncated=bool(d.get("output_truncated")),
            case_verdicts=tuple(d.get("case_verdicts", ())), loaded=bool(d.get("loaded", True)),
            flags=tuple(str(f) for f in d.get("flags", ())),
            line=d.get("line"), excerpt=str(d.get("excerpt", "")),
            chain=ChainReport.from_dict(d["chain"]) if d.get("chain") else None,
        )
