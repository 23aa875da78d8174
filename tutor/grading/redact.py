"""What a report on *hidden* cases may say: the redaction, as pure functions of trusted data.

Why: with a secret seed (`dltutor grade --seed S`) a submission is graded on cases nobody has
seen. The learner's code runs on those cases and can read their inputs; whatever it controls and
a report repeats is a channel through which it can smuggle the inputs (or enough to find the
seed) out to the student, who then knows the hidden cases. So a hidden report is built only from
what the grader itself knows — the cases, the reference, the comparison and the submitted
source, parsed here — and everything the child process sent back is treated as hostile: it is
used only to *choose* among texts fixed here, never copied.

Each field of a `FailureReport` (and of a report around it) as a channel, and what is left:

- **exception class name**: any text the student chose (`class Seed_12345(Exception)`). Shown
  only as the nearest built-in exception class: the first of the child's class names (its MRO)
  that names a built-in exception in *this* process's `builtins`; otherwise `Exception`.
- **exception message, printed output, exit codes, signal names**: arbitrary text or numbers.
  Never shown; printed output becomes one fixed note.
- **traceback**: function names and line numbers are text the child sends. A frame
  `line N, in fn` is kept only where `fn` is a function (or class body, lambda, comprehension)
  of the submitted source, parsed here with `ast`, and N lies within its lines (`<module>`: within
  the file); no file names, no source lines, at most `MAX_FRAMES` frames, repeats collapsed.
- **syntax error line**: from our own parse of the source, never from the child.
- **received shape, length, size**: a student returns `np.zeros(hidden_value)`. No received
  dimension, length or element count is shown; the expected shape (the grader's) may be. The
  received dtype or type name is shown only from a fixed vocabulary (`float64`, `int`, `tuple`,
  ... ; `_DTYPE_NAMES` and `kind_of`).
- **error magnitudes and counts**: returning zeros makes "max abs error" the largest hidden
  value, and the number of differing elements is chosen by the student. A hidden report says
  which output field and which property failed (values, NaN/inf, shape, dtype, structure, raised
  instead of returning, did not raise), never how much or how many.
- **input values and the case label**: labels may spell out the inputs. Input names with the
  grader's own dtypes and shapes stay (scalars by type only).
- **the seed**: never; the report's `seed` is the word `hidden`.
- **timing**: a submission that sleeps for a hidden value. Hidden reports carry no per-case or
  per-exercise time in student-facing formats (see `tutor.grading.formats`).

What remains is a handful of bits per exercise that grading cannot avoid: the score and which
case failed first, which property failed at which output field, a built-in exception name, a
few line numbers of the student's own functions, and whether anything was printed.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from tutor.grading import codec
from tutor.grading.cases import CaseOutcome, PreparedCase
from tutor.grading.compare import Mismatch, Raised
from tutor.grading.results import FailureReport, InputSummary

HIDDEN_OUTPUT_NOTE = "(printed output is not shown for hidden cases)"
HIDDEN_SEED = "hidden"
MAX_SOURCE_CHARS = 1_000_000  #: a larger submission is not parsed: no frames are shown
MAX_FRAMES = 8  #: innermost frames kept in a hidden traceback
_MAX_TRACEBACK_CHARS = 20_000
_MAX_MRO = 64

_KIND_WORD = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}


def _dtype_names() -> frozenset[str]:
    names = {"bool"}
    for code in np.typecodes["AllInteger"] + np.typecodes["Float"]:
        try:
            dtype = np.dtype(code)
        except TypeError:  # pragma: no cover - a type code this numpy lacks
            continue
        if dtype.kind in "biuf":
            names.add(dtype.name)
    return frozenset(names)


_DTYPE_NAMES = _dtype_names()  #: the received dtype names a hidden report may repeat


# -- received values: a fixed vocabulary ---------------------------------------------------------


def safe_exception_name(names: Iterable[Any]) -> str:
    """The first of `names` (an exception's class and its MRO, as the child sent them) that is a
    built-in exception class of this process; `Exception` when none is."""
    for n, name in enumerate(names):
        if n >= _MAX_MRO:
            break
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 64:
            continue
        obj = getattr(builtins, name, None)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return obj.__name__  # EnvironmentError -> OSError: the class's own name
    return "Exception"


def _raised_name(value: Raised) -> str:
    mro = value.mro if isinstance(value.mro, (tuple, list)) else ()
    return safe_exception_name([value.type_name, *mro])


def _error_name(error: dict[str, Any]) -> str:
    mro = error.get("mro")
    return safe_exception_name([error.get("type"), *(mro if isinstance(mro, list) else ())])


def safe_dtype(value: np.ndarray) -> str:
    """A received array's dtype name from the fixed vocabulary, else the word `array`."""
    dtype = value.dtype
    return dtype.name if dtype.kind in "biuf" and dtype.name in _DTYPE_NAMES else "array"


def kind_of(value: Any) -> str:
    """A *received* value's kind without anything the student chose: no shape, length, size or
    value, and names from a fixed vocabulary only (`float64 array`, `int scalar`, `tuple`,
    `raised ValueError`)."""
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        shape = "scalar" if value.ndim == 0 else "array"
        name = safe_dtype(value)
        return shape if name == "array" else f"{name} {shape}"
    if isinstance(value, Raised):
        return f"raised {_raised_name(value)}"
    if value is None:
        return "None"
    for kind in (bool, int, float, str, bytes, list, tuple, dict):
        if type(value) is kind:
            return kind.__name__
    return "value of another type"


def expected_kind(value: Any) -> str:
    """A *grader's* value (an input, the reference) by type and shape, without its values:
    `float64 array (3, 4)`, `float`, `tuple of 2`, `raises ValueError`."""
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        return f"{value.dtype} scalar" if value.ndim == 0 else \
            f"{value.dtype} array {tuple(value.shape)}"
    if isinstance(value, Raised):
        return f"raises {value.type_name}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"dict of {len(value)}"
    return "None" if value is None else type(value).__name__


# -- the submitted source, parsed on the trusted side --------------------------------------------


@dataclass(frozen=True)
class SourceIndex:
    """Where the submitted file's functions are, from our own parse of it."""

    lines: int  #: 0 when the source was not parsed
    spans: dict[str, tuple[tuple[int, int], ...]]  #: frame name -> (first, last) lines
    syntax_error_line: int | None = None  #: our parse's SyntaxError line

    def has_frame(self, name: str, line: int) -> bool:
        if name == "<module>":
            return 1 <= line <= self.lines
        return any(first <= line <= last for first, last in self.spans.get(name, ()))


_ANONYMOUS = {ast.Lambda: "<lambda>", ast.ListComp: "<listcomp>", ast.SetComp: "<setcomp>",
              ast.DictComp: "<dictcomp>", ast.GeneratorExp: "<genexpr>"}


@lru_cache(maxsize=16)
def source_index(source: str) -> SourceIndex:
    """Parse `source` (at most `MAX_SOURCE_CHARS`); never raises. Unparsable or too large: no
    frames (and the SyntaxError line, when that is why)."""
    if not isinstance(source, str) or not source or len(source) > MAX_SOURCE_CHARS:
        return SourceIndex(0, {})
    lines = max(source.count("\n"), source.count("\r")) + 1
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and 1 <= exc.lineno <= lines else None
        return SourceIndex(0, {}, line)
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return SourceIndex(0, {})
    spans: dict[str, list[tuple[int, int]]] = {}
    try:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = node.name
            else:
                name = _ANONYMOUS.get(type(node), "")
            first = getattr(node, "lineno", None)
            if name and isinstance(first, int):
                last = getattr(node, "end_lineno", None)
                spans.setdefault(name, []).append((first, last if isinstance(last, int)
                                                   else first))
    except (RecursionError, MemoryError):
        return SourceIndex(0, {})
    return SourceIndex(lines, {k: tuple(v) for k, v in spans.items()})


# -- the pieces of a hidden report ---------------------------------------------------------------

_TB_FRAME = re.compile(r'^\s*File ".*", line (\d{1,9}), in (.{1,200})$')


def hidden_traceback(traceback_text: Any, error: dict[str, Any], source: str) -> str:
    """`line N, in fn` for each frame that is truly the student's (see the module docstring),
    innermost `MAX_FRAMES` at most, then the built-in exception name. "" without an error."""
    if not error:
        return ""
    index = source_index(source)
    frames: list[str] = []
    text = traceback_text if isinstance(traceback_text, str) else ""
    for raw in text[-_MAX_TRACEBACK_CHARS:].splitlines():
        match = _TB_FRAME.match(raw)
        if not match:
            continue
        line, name = int(match.group(1)), match.group(2).strip()
        if not index.has_frame(name, line):
            continue
        frame = f"  line {line}, in {name}"
        if not frames or frames[-1] != frame:  # a recursion is one frame
            frames.append(frame)
    if len(frames) > MAX_FRAMES:
        frames = ["  ... (outer frames not shown)", *frames[-MAX_FRAMES:]]
    head = ["Traceback (your code; messages are not shown for hidden cases):"] if frames else []
    return "\n".join([*head, *frames, _error_name(error)]) + "\n"


def hidden_output(output: bytes) -> str:
    """Printed output is never shown for hidden cases: a fixed note when there was some."""
    return HIDDEN_OUTPUT_NOTE if output else ""


def _locate(got: Any, expected: Any, where: str) -> tuple[Any, Any] | None:
    """The received and expected values at `where` (a path `compare` built, like `output[1]`)."""
    prefix = where.split("[", 1)[0]
    for _ in range(64):
        if prefix == where:
            return got, expected
        step = None
        if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)) \
                and len(got) == len(expected):
            step = [(f"{prefix}[{i}]", g, e) for i, (g, e) in enumerate(zip(got, expected))]
        elif isinstance(expected, dict) and isinstance(got, dict) and set(got) == set(expected):
            step = [(f"{prefix}[{k!r}]", got[k], expected[k]) for k in expected]
        nxt = next(((p, g, e) for p, g, e in step or ()
                    if where == p or where.startswith(p + "[")), None)
        if nxt is None:
            return None
        prefix, got, expected = nxt
    return None


def _mismatch_text(m: Mismatch, got: Any, expected: Any) -> str:
    where = m.where
    if m.kind == "values":
        many = isinstance(expected, np.ndarray) and expected.size > 1
        return f"{where}: " + ("values differ from the reference" if many
                               else "the value differs from the reference")
    if m.kind == "nonfinite":
        return f"{where}: NaN or infinite values where the reference is finite"
    if m.kind == "shape":
        shape = f": expected shape {tuple(expected.shape)}" \
            if isinstance(expected, np.ndarray) else ""
        return f"{where}: wrong shape{shape}"
    if m.kind == "dtype":
        if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)):
            return f"{where}: wrong dtype"
        ek, gk = expected.dtype.kind, got.dtype.kind
        if _KIND_WORD.get(ek) != _KIND_WORD.get(gk):
            return (f"{where}: wrong dtype: expected a {_KIND_WORD.get(ek, 'numeric')} array "
                    f"({expected.dtype}), got {safe_dtype(got)}")
        return (f"{where}: wrong dtype: expected {expected.dtype}, got {safe_dtype(got)}: keep "
                "the inputs' precision (don't cast to a smaller float)")
    if m.kind == "structure":
        return f"{where}: wrong structure: expected {expected_kind(expected)}, got {kind_of(got)}"
    if m.kind == "type":
        hint = " (return int(...), not a float)" if type(expected) is int \
            and type(got) is float else ""
        return f"{where}: wrong type: expected {expected_kind(expected)}, got {kind_of(got)}{hint}"
    if m.kind == "raises":
        name = _raised_name(got) if isinstance(got, Raised) else "an exception"
        return f"{where}: raised {name} instead of returning {expected_kind(expected)}"
    if m.kind == "no_raise":
        wanted = expected.type_name if isinstance(expected, Raised) else "an error"
        did = f"raised {_raised_name(got)}" if isinstance(got, Raised) else \
            f"returned {kind_of(got)}"
        return f"{where}: expected {wanted} to be raised, but it {did}"
    return f"{where}: the output does not match the reference"


def hidden_mismatch(m: Mismatch, expected: Any, got: Any) -> tuple[str, dict[str, Any]]:
    """The failed property in words, and a mismatch dict with no value, error, count or
    received shape in it (the keys of `Mismatch.to_dict`, so every renderer reads it)."""
    located = _locate(got, expected, m.where)
    sub_got, sub_expected = located if located is not None else (got, expected)
    text = _mismatch_text(m, sub_got, sub_expected)
    return text, {"kind": m.kind, "where": m.where, "message": text,
                  "max_abs_error": None, "max_rel_error": None,
                  "mismatched": None, "elements": None, "worst": [],
                  "expected": expected_kind(sub_expected), "got": kind_of(sub_got)}


# Problems the checker words itself, with no learner text in them: kept as they are.
_FIXED_PROBLEMS = frozenset({
    "took too long (an infinite loop? a sleep?); the check was stopped",
    ("your code stopped the grader's own process (did it kill its parent?); the grader restarts "
     "for the next check"),
    "returned more data than the grader accepts",
    "used more CPU time than allowed (busy threads?)",
    "the process closed its result channel and was stopped",
    "not run: an earlier case stopped the check",
    "not implemented yet (the starter raises NotImplementedError): fill in the function",
})
_BY_STATUS = {
    "timeout": "took too long; the check was stopped",
    "crash": "the process crashed or was stopped",
    "error": "stopped with an error",
    "fail": "the output does not match the reference",
}
_MEMORY = re.compile(r"ran out of memory \(the limit is (\d{1,7}) MiB above the tutor's own use\)")
_FLOOD = re.compile(r"printed more than (\d{1,9}) KiB of output")


def _abnormal_problem(outcome: CaseOutcome) -> str:
    """The checker's own sentence for a case without an error payload, minus numbers the
    student picks (exit codes, signals)."""
    problem = outcome.problem if isinstance(outcome.problem, str) else ""
    if problem in _FIXED_PROBLEMS:
        return problem
    if problem.startswith("the process was killed by"):
        return "the process was killed by a signal (a crash, or a limit such as memory)"
    if problem.startswith("the process exited"):
        return ("the process exited before returning a result: does your code call os._exit "
                "or sys.exit?")
    return _BY_STATUS.get(outcome.status, "the check failed")


def hidden_problem(outcome: CaseOutcome, case: PreparedCase, source: str) -> str:
    """One line: what went wrong on a hidden case, in words fixed here (no learner text)."""
    if outcome.status == "pass":
        return ""
    if outcome.mismatch is not None:
        return hidden_mismatch(outcome.mismatch, case.expected, outcome.value)[0]
    error = outcome.error if isinstance(outcome.error, dict) else {}
    if not error:
        return _abnormal_problem(outcome)
    kind = error.get("kind")
    problem = outcome.problem if isinstance(outcome.problem, str) else ""
    if kind == "exit":
        return "called sys.exit(): return a value instead"
    if kind == "forbidden":
        return "called a shortcut this exercise forbids (the exercise's hints say which)"
    if kind == "memory":
        match = _MEMORY.match(problem)
        return (f"ran out of memory (the limit is {int(match.group(1))} MiB above the tutor's own "
                "use)") if match else "ran out of memory"
    if kind == "output_flood":
        match = _FLOOD.match(problem)
        size = f"more than {int(match.group(1))} KiB of" if match else "too much"
        return f"printed {size} output; remove the prints in loops"
    if kind in ("unsendable", "garbled"):
        return "returned something that cannot be graded (not plain numbers or arrays)"
    syntax_line = source_index(source).syntax_error_line
    if syntax_line is not None:
        return f"syntax error on line {syntax_line}"
    name = _error_name(error)
    importing = error.get("stage") == "import"
    if name == "NotImplementedError" and not importing:
        return "not implemented yet (the starter raises NotImplementedError): fill in the function"
    return f"raised {name}" + (" (while importing your file)" if importing else "")


def hidden_message(cases_total: int, cases_passed: int, first_bad: int, problem: str) -> str:
    """The one-line message of a failed hidden check (no case label)."""
    return (f"{cases_total - cases_passed} of {cases_total} hidden cases failed; first: hidden "
            f"case {first_bad + 1}: {problem}")


def hidden_report(index: int, cases: list[PreparedCase], outcome: CaseOutcome, seed: str,
                  source: str) -> FailureReport:
    """The failure report of hidden case `index`, from trusted data only.

    `source` is the submitted file as the grader read it (not as the child saw it); `seed` is
    the label shown for the seed: anything but "hidden" or "" becomes "hidden", so the secret
    seed cannot reach a report by mistake."""
    case = cases[index]
    inputs = codec.decode(case.inputs)
    summaries = tuple(InputSummary(str(name), expected_kind(v), "")
                      for name, v in inputs.items())
    error = outcome.error if isinstance(outcome.error, dict) else {}
    mismatch = None
    if outcome.mismatch is not None:
        mismatch = hidden_mismatch(outcome.mismatch, case.expected, outcome.value)[1]
    return FailureReport(
        case_index=index, cases_total=len(cases), label="",
        seed=seed if seed in (HIDDEN_SEED, "") else HIDDEN_SEED, hidden=True,
        inputs=summaries, problem=hidden_problem(outcome, case, source),
        expected=expected_kind(case.expected),
        got=kind_of(outcome.value) if outcome.value is not None else "",
        mismatch=mismatch, error_type=_error_name(error) if error else None,
        traceback=hidden_traceback(error.get("traceback", ""), error, source),
        line=source_index(source).syntax_error_line if error else None)
