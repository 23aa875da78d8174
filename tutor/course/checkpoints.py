""""Predict, then run": a lesson's checkpoints and its runnable code blocks.

A checkpoint is a fenced block written where an idea is taught:

    ```checkpoint
    id = "conv_shape"
    question = "What shape does this convolution return?"
    expect = "shape"
    code = '''
    import torch
    conv = torch.nn.Conv2d(3, 8, kernel_size=5)
    answer = conv(torch.zeros(1, 3, 32, 32))
    '''
    ```

The learner predicts first; then the lesson's own code runs in the grading worker's jail and its
`answer` is the real value shown beside the prediction. Nothing here knows the answer: it is
computed every time. `expect` says what kind of value it is: "shape" (a tensor, or a tuple of
sizes), "number" (rtol / tolerance as in the quiz) or "choice" (`choices`; the code sets
`answer` to the right choice's text or its 0-based index).

Every ```python block of a lesson is a runnable block, numbered from 1 in reading order (what
`dltutor lesson N --run K` and the reader's `r` key run). Fences are found with markdown-it, the
parser the reader renders with, so both number the blocks alike.

Pure data and parsing: no torch, no textual."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from typing import Any

from tutor.course.numbers import NotANumber, allowed_error, parse_number

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("shape", "number", "choice")
CHECKPOINT_KEYS = ("id", "question", "code", "expect", "choices", "rtol", "tolerance",
                   "explanation")
PYTHON_LANGUAGES = ("python", "py", "python3")
CLOSE_RTOL = 0.1  #: a number within 10 % is "close"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CheckpointError(ValueError):
    """A checkpoint block is malformed; the message says which key and what to write."""


@dataclass(frozen=True)
class Checkpoint:
    """One "predict, then run" question; `code` is trusted lesson code that sets `answer`."""

    id: str
    question: str
    code: str
    expect: str  #: one of KINDS
    choices: tuple[str, ...] = ()
    rtol: float | None = None
    tolerance: float | None = None
    explanation: str = ""  #: shown after the run, whatever the verdict
    line: int = 0  #: 1-based line of its fence in the lesson body

    def allowed_error(self, actual: float) -> float:
        """As a quiz answer's: `tutor.course.numbers.allowed_error`."""
        return allowed_error(actual, self.rtol, self.tolerance)

    @property
    def prompt(self) -> str:
        """What to type, for the input's placeholder and error messages."""
        if self.expect == "shape":
            return "a shape, e.g. (2, 3)"
        if self.expect == "choice":
            return f"a choice number, 1 to {len(self.choices)}"
        return "a number (5/3, 2^-10 and ln(4) work too)"


@dataclass(frozen=True)
class CodeBlock:
    """A ```python block of a lesson: `number` is 1-based, in reading order."""

    number: int
    code: str
    line: int  #: 1-based line of its fence in the lesson body


def fences(body: str) -> list[tuple[str, str, int, int]]:
    """Every fenced block of a Markdown body as (language, code, first line, last line), in
    order; lines are 1-based and include the fences."""
    from markdown_it import MarkdownIt

    out = []
    for token in MarkdownIt("commonmark").parse(body):
        if token.type == "fence":
            language = token.info.strip().split(" ", 1)[0].lower() if token.info else ""
            first, last = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
            out.append((language, token.content, first, last))
    return out


def code_blocks(body: str) -> tuple[CodeBlock, ...]:
    """The runnable (```python) blocks of a lesson body."""
    found = [(code, line) for language, code, line, _ in fences(body)
             if language in PYTHON_LANGUAGES]
    return tuple(CodeBlock(i + 1, code, line) for i, (code, line) in enumerate(found))


def checkpoints(body: str, where: str = "lesson", offset: int = 0) -> tuple[Checkpoint, ...]:
    """The checkpoints of a lesson body, in order; a malformed one or a repeated id raises
    `CheckpointError` naming `where` and the line (the body's line + `offset`: the file's
    line, past its front matter)."""
    out: list[Checkpoint] = []
    for language, code, line, _ in fences(body):
        if language != "checkpoint":
            continue
        line += offset
        checkpoint = parse_checkpoint(code, f"{where}, line {line}", line)
        if any(c.id == checkpoint.id for c in out):
            raise CheckpointError(f"{where}, line {line}: checkpoint id {checkpoint.id!r} is "
                                  "used twice in this lesson")
        out.append(checkpoint)
    return tuple(out)


def parse_checkpoint(text: str, where: str = "checkpoint", line: int = 0) -> Checkpoint:
    """One checkpoint block's TOML."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CheckpointError(f"{where}: a checkpoint block is TOML: {exc}") from None
    unknown = [key for key in data if key not in CHECKPOINT_KEYS]
    if unknown:
        raise CheckpointError(f"{where}: unknown checkpoint key {unknown[0]!r}; the keys are "
                              f"{', '.join(CHECKPOINT_KEYS)}")
    for key in ("id", "question", "code", "expect"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise CheckpointError(f"{where}: a checkpoint needs {key!r} (a string)")
    if not _ID.match(data["id"]):
        raise CheckpointError(f"{where}: checkpoint id {data['id']!r} must be snake_case")
    expect = data["expect"]
    if expect not in KINDS:
        raise CheckpointError(f"{where}: expect must be one of {', '.join(KINDS)} "
                              f"(got {expect!r})")
    choices = data.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise CheckpointError(f"{where}: choices must be a list of strings")
    if (expect == "choice") != bool(choices) or (expect == "choice" and len(choices) < 2):
        raise CheckpointError(f"{where}: a checkpoint has choices (two or more) exactly when "
                              "expect = \"choice\"")
    if not re.search(r"\banswer\b", data["code"]):
        raise CheckpointError(f"{where}: the checkpoint's code must set `answer`")
    tolerances: dict[str, float | None] = {}
    for key in ("rtol", "tolerance"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not value >= 0):
            raise CheckpointError(f"{where}: {key} must be a number ≥ 0 (got {value!r})")
        tolerances[key] = None if value is None else float(value)
    explanation = data.get("explanation", "")
    if not isinstance(explanation, str):
        raise CheckpointError(f"{where}: explanation must be a string")
    return Checkpoint(id=data["id"], question=data["question"].strip(),
                      code=data["code"].strip("\n") + "\n", expect=expect,
                      choices=tuple(choices), rtol=tolerances["rtol"],
                      tolerance=tolerances["tolerance"], explanation=explanation.strip(),
                      line=line)


# -- predictions ------------------------------------------------------------------------------


class BadPrediction(ValueError):
    """What the learner typed is not a value of the checkpoint's kind; the message says what
    to type. Nothing is recorded then."""


_SHAPE_WORDS = re.compile(r"torch\.size|size|shape", re.IGNORECASE)


def parse_prediction(checkpoint: Checkpoint, text: str) -> Any:
    """The learner's prediction as a value of the checkpoint's kind: a tuple of sizes
    ("(1, 8, 28, 28)", "1x8x28x28", "[1 8 28 28]", "torch.Size([1, 8])"), a float, or a
    0-based choice index (typed 1-based)."""
    text = text.strip()
    if not text:
        raise BadPrediction(f"Type your prediction first: {checkpoint.prompt}.")
    if checkpoint.expect == "shape":
        cleaned = _SHAPE_WORDS.sub("", text)
        parts = [p for p in re.split(r"[\s,×x*()\[\]]+", cleaned) if p]
        if not all(p.isdigit() for p in parts):
            raise BadPrediction(f"{text!r} is not a shape: type {checkpoint.prompt}.")
        return tuple(int(p) for p in parts)
    if checkpoint.expect == "choice":
        try:
            index = int(text)
        except ValueError:
            index = 0
        if not 1 <= index <= len(checkpoint.choices):
            raise BadPrediction(f"Answer with {checkpoint.prompt}.")
        return index - 1
    try:
        value = parse_number(text)
    except NotANumber as exc:
        raise BadPrediction(f"{exc}: type {checkpoint.prompt}.") from None
    if not math.isfinite(value):
        raise BadPrediction(f"Type a finite number: {checkpoint.prompt}.")
    return value


def actual_choice(checkpoint: Checkpoint, value: Any) -> int | None:
    """The index of the choice the code's `answer` names (its text or its 0-based index)."""
    if isinstance(value, str):
        wanted = value.strip().lower()
        for i, choice in enumerate(checkpoint.choices):
            if choice.strip().lower() == wanted:
                return i
        return None
    if isinstance(value, int) and not isinstance(value, bool) \
            and 0 <= value < len(checkpoint.choices):
        return value
    return None


# -- judging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointOutcome:
    """A prediction beside the real value. `verdict` is "right", "close" or "wrong"."""

    checkpoint: str
    prediction: str  #: as shown (normalised: "(1, 8, 28, 28)", "3.5", "2. diverges")
    actual: str  #: the real value, as shown
    verdict: str
    explanation: str = ""
    output: str = ""  #: what the code printed

    @property
    def right(self) -> bool:
        return self.verdict == "right"

    def to_dict(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "prediction": self.prediction,
                "actual": self.actual, "verdict": self.verdict,
                "explanation": self.explanation, "output": self.output}


def show(checkpoint: Checkpoint, value: Any) -> str:
    """A value of the checkpoint's kind as the learner reads it."""
    if checkpoint.expect == "shape":
        return "(" + ", ".join(str(int(v)) for v in value) + ("," if len(value) == 1 else "") + ")"
    if checkpoint.expect == "choice":
        return f"{value + 1}. {checkpoint.choices[value]}"
    number = float(value)
    if number != 0 and abs(number) < 1e-12:
        return "≈ 0"  # rounding noise of an exact 0 (-2.2e-16 reads as a different answer)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else f"{number:.6g}"


def judge(checkpoint: Checkpoint, predicted: Any, actual: Any) -> str:
    """"right", "close" (a number within CLOSE_RTOL, a shape off in one size) or "wrong"."""
    if checkpoint.expect == "shape":
        predicted, actual = tuple(predicted), tuple(int(v) for v in actual)
        if predicted == actual:
            return "right"
        if len(predicted) == len(actual) and sum(a != b for a, b in zip(predicted, actual)) == 1:
            return "close"
        return "wrong"
    if checkpoint.expect == "choice":
        return "right" if predicted == actual else "wrong"
    error = abs(float(predicted) - float(actual))
    if error <= checkpoint.allowed_error(float(actual)):
        return "right"
    return "close" if error <= CLOSE_RTOL * abs(float(actual)) else "wrong"


VERDICT_WORDS = {"right": "Right.", "close": "Close.", "wrong": "Not quite."}
