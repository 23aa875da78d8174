"""Run a lesson's code (a runnable block, a checkpoint, a learner's scratch edit) in the jail.

The same path as a learner's exercise file: the worker sends the source to its zygote, which runs
it in a freshly forked, jailed child that cannot see the course, the solutions or the workspace.
Lesson code is trusted, but a scratch edit is not, and one path for both is one path to secure.

The code runs as a module (what it prints is its output); then the child calls a function
appended to it, which returns the module's `answer` (a checkpoint's value; None for a plain
block). The worker reduces that value to plain JSON of the kind asked for (`value_of`), so what
comes back to the UI is a shape, a number or a choice, never an array.

`SnippetResult` is the reply both sides share: no numpy import at module level, no torch."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

SNIPPET_FILE = "lesson_block.py"  #: the name tracebacks show for the code
ANSWER_FUNCTION = "__dltutor_answer__"
#: appended to the code: returns its `answer`, a numpy scalar as a Python number (the codec
#: carries Python scalars and arrays)
RETURN_ANSWER = (f"\n\ndef {ANSWER_FUNCTION}():\n"
                 "    a = globals().get('answer')\n"
                 "    if type(a).__module__ == 'numpy' and getattr(a, 'shape', None) == ():\n"
                 "        return a.item()\n"
                 "    return a\n")
DEFAULT_TIMEOUT = 10.0  #: seconds a block may run (a short training loop fits)
MEMORY_MB = 1024


@dataclass(frozen=True)
class SnippetResult:
    """How a run ended. `status`: "ok", "error" (an exception: `error` has the traceback),
    "timeout", "crash" or "no_value" (it ran but `answer` was missing or of the wrong kind:
    `error` says what it was)."""

    status: str
    output: str = ""
    value: Any = None  #: JSON: a list of sizes, a float, a str or an int (choice), or None
    error: str = ""
    truncated: bool = False
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "output": self.output, "value": self.value,
                "error": self.error, "truncated": self.truncated,
                "elapsed_ms": self.elapsed_ms}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnippetResult:
        return cls(status=str(data["status"]), output=str(data.get("output", "")),
                   value=data.get("value"), error=str(data.get("error", "")),
                   truncated=bool(data.get("truncated")),
                   elapsed_ms=float(data.get("elapsed_ms", 0.0)))


def _protected(extra: list[str]) -> tuple[str, ...]:
    """The course's own folders, and whatever the caller names (its packs, the workspace)."""
    from tutor.course.locations import builtin_root

    root = builtin_root()
    paths = [str(root / name) for name in ("lessons", "exercises", "solutions")]
    paths += [str(p) for p in extra if isinstance(p, str) and p]
    return tuple(os.path.realpath(p) for p in paths)


def run(run_sandbox: Any, request: dict[str, Any]) -> dict[str, Any]:
    """The worker's "run_snippet" op: {code, expect (None, "shape", "number", "choice"),
    timeout, protected} -> {ok, snippet: SnippetResult.to_dict()}."""
    from tutor.grading import codec
    from tutor.grading.protocol import JailSpec, SandboxRequest, SandboxResult, Status, parse_reply
    from tutor.grading.sandbox import SandboxLost

    code = request.get("code")
    if not isinstance(code, str):
        return {"ok": False, "error": "run_snippet needs `code` (a string)"}
    expect = request.get("expect")
    timeout = float(request.get("timeout") or DEFAULT_TIMEOUT)
    sandbox_request = SandboxRequest(
        source=(code + RETURN_ANSWER).encode("utf-8"), filename=SNIPPET_FILE,
        function=ANSWER_FUNCTION, driver_path="", driver_source=b"",
        cases=(codec.encode({}),), timeout=timeout, memory_mb=MEMORY_MB,
        module_name="lesson_block",
        jail=JailSpec(_protected(list(request.get("protected") or []))))
    try:
        result = run_sandbox(sandbox_request)
    except SandboxLost:
        result = SandboxResult.lost()
    from tutor.grading.crashdump import printed

    output = printed(result).decode("utf-8", "replace")
    common = {"output": output, "truncated": result.output_truncated,
              "elapsed_ms": round(result.elapsed * 1000, 1)}
    reply = parse_reply(result.frames[0]) if result.frames else None
    if reply is None:
        status, error = ("timeout", f"stopped after {timeout:g} s (an endless loop?)") \
            if result.status is Status.TIMEOUT else ("crash", _crash(result))
        return {"ok": True, "snippet": SnippetResult(status, error=error, **common).to_dict()}
    if not reply.ok:
        assert reply.error is not None
        error = reply.error.traceback or f"{reply.error.type}: {reply.error.message}"
        error = error.replace("Traceback (your code):", "Traceback:", 1)
        return {"ok": True, "snippet": SnippetResult("error", error=error, **common).to_dict()}
    try:
        value = value_of(reply.value, expect)
    except ValueError as exc:
        return {"ok": True, "snippet": SnippetResult("no_value", error=str(exc),
                                                     **common).to_dict()}
    return {"ok": True, "snippet": SnippetResult("ok", value=value, **common).to_dict()}


def _crash(result: Any) -> str:
    if result.exit_signal is not None:
        from tutor.grading import crashdump

        return crashdump.describe(result, frozenset((SNIPPET_FILE,)))[0]
    if result.exit_code is not None:
        return f"the process exited (code {result.exit_code}) before it finished"
    return "the process stopped before it finished"


def value_of(value: Any, expect: str | None) -> Any:
    """The code's `answer` as plain JSON of the kind asked for, or ValueError saying what it
    was instead."""
    import numpy as np

    if expect is None:
        return None
    if value is None:
        raise ValueError("the code did not set `answer`")
    if expect == "shape":
        if isinstance(value, np.ndarray):
            return [int(n) for n in value.shape]  # a tensor (an array after the jail): its shape
        sizes = list(value) if isinstance(value, (list, tuple)) else None
        if sizes is not None and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                     for n in sizes):
            return [int(n) for n in sizes]
        raise ValueError(f"`answer` is {_kind(value)}, not a tensor or a shape")
    if expect == "number":
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "biuf":
            value = value.reshape(()).item()
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            number = float(value)
            if np.isfinite(number):
                return number
        raise ValueError(f"`answer` is {_kind(value)}, not a finite number")
    if expect == "choice":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value)
        raise ValueError(f"`answer` is {_kind(value)}, not a choice (its text or index)")
    raise ValueError(f"unknown kind of value {expect!r}")


def _kind(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"an array of shape {tuple(shape)}"
    return f"{type(value).__name__} {str(value)[:60]!r}"

