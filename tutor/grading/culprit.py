"""The culprit of a failing chained run: which of the learner's prerequisite functions, on which
call, returns something else than the reference (see `tutor.grading.chain`).

The child recorded every call into the learner's prerequisites (`child._recorded`): the inputs
before the call, the output after, whether an input changed in place. The calls of the first
failing cases are **replayed** on the reference prerequisites in one more jailed run (the inputs
are the learner's code's choice: no trusted code runs on them outside the jail), and compared on
this side with the prerequisite's own tolerances. The first disagreement, in case order then call
order, is the culprit; else the first call that changed an input in place; else none (the chain
fails for another reason, and the report says so). Hidden cases: the function, the case number,
the failed property from a fixed vocabulary, and a line of the learner's own functions checked
against their source (`redact.source_index`); never an input, a value or a shape."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tutor.grading import codec, redact
from tutor.grading.cases import CaseOutcome
from tutor.grading.chain import ChainContext, Outcomes, Prerequisite, reference_module
from tutor.grading.compare import Mismatch, Raised, compare, describe
from tutor.grading.protocol import CallRecord, SandboxRequest, SandboxResult, Status, parse_reply
from tutor.grading.results import Culprit, InputSummary

#: a recorded call agrees with the reference within the prerequisite's own rtol, and an atol of
#: this times the largest reference value (summation-order drift; the culprit is named, not
#: graded, so a real bug — a mask off by one element, a missing 1/N — is far above it)
CALL_DRIFT = 1e-12
REPLAYED_CASES = 3  #: failing cases whose calls are replayed
REPLAYED_CALLS = 64  #: calls replayed at most (one jailed run)

#: the replay's "learner file": trusted, it calls one reference prerequisite per case
REPLAY_FILE = "<dltutor replay>"
REPLAY_SOURCE = b'''import sys


def replay(module, function, args, kwargs):
    return getattr(sys.modules[module], function)(*args, **kwargs)
'''


def _calls(result: SandboxResult, n: int) -> list[tuple[CallRecord, ...]]:
    if result.status is Status.TOO_BIG:
        return [()] * n
    calls = [parse_reply(frame).calls for frame in result.frames[:n]]
    return calls + [()] * (n - len(calls))


def _import_culprit(ctx: ChainContext, outcome: CaseOutcome) -> Culprit | None:
    """A chained run that failed while importing: the learner's prerequisite file whose frame
    is innermost in the traceback (the submission itself imported fine in the solo run)."""
    error = outcome.error or {}
    trace = str(error.get("traceback", ""))
    files = {str(ctx.folder / f"{p.id}.py"): p.id for p in ctx.prereqs}
    found = ""
    for raw in trace.splitlines():
        for path, ex_id in files.items():
            if f'File "{path}"' in raw:
                found = ex_id
    if not found:
        return None
    if ctx.hidden:
        problem = f"failed to import (raised {redact.safe_exception_name(error.get('mro', []))})"
    else:
        problem = (f"failed to import: raised {error.get('type', 'Exception')}: "
                   f"{str(error.get('message', ''))[:300]}")
    return Culprit(found, 0, 0, problem=problem.rstrip(": ").rstrip("."))


def find_culprit(ctx: ChainContext, result: SandboxResult, got: list[CaseOutcome],
                 request: SandboxRequest, run: Callable[[SandboxRequest], SandboxResult],
                 outcomes: Outcomes) -> Culprit | None:
    """The first recorded call (in the first failing cases, in call order) that disagrees with
    the reference prerequisite on the same inputs; else the first that changed an input in
    place; None when every one agrees, or none was recorded."""
    if got and (got[0].error or {}).get("stage") == "import":
        return _import_culprit(ctx, got[0])
    by_id = {p.id: p for p in ctx.prereqs}
    mine = {m.name for m in request.prerequisites if m.source}
    calls = _calls(result, len(ctx.cases))
    chosen: list[tuple[int, int, CallRecord]] = []
    failing = [i for i, o in enumerate(got) if o.status != "pass"][:REPLAYED_CASES]
    for i in failing:
        for n, call in enumerate(calls[i], 1):
            if call.function in mine and call.function in by_id and \
                    len(chosen) < REPLAYED_CALLS:
                chosen.append((i, n, call))
    if not chosen:
        return None
    replayable = [(i, n, c) for i, n, c in chosen if c.inputs is not None
                  and reference_module(by_id[c.function]) is not None]
    decoded: list[Any] = []
    for _, _, call in replayable:
        try:
            inputs = codec.decode(call.inputs or b"")
            if not isinstance(inputs, dict) or set(inputs) != {"args", "kwargs"}:
                raise codec.CodecError("not a call")
            decoded.append(inputs)
        except codec.CodecError:
            decoded.append(None)
    expected = _replay(ctx, [(c, d) for (_, _, c), d in zip(replayable, decoded)], run, outcomes)
    mutated: tuple[int, int, CallRecord] | None = None
    for (i, n, call), inputs, reference in zip(replayable, decoded, expected):
        if inputs is None or reference is None:
            continue
        prereq = by_id[call.function]
        value = _recorded_value(call)
        mismatch = compare(value, reference, prereq.rtol, _atol(prereq, reference))
        if mismatch is not None:
            return _culprit(ctx, prereq, i, n, call, inputs, value, reference, mismatch)
        if call.mutated and mutated is None:
            mutated = (i, n, call)
    if mutated is not None:
        i, n, call = mutated
        return _culprit(ctx, by_id[call.function], i, n, call, None, None, None, None)
    return None


def _recorded_value(call: CallRecord) -> Any:
    if call.raised:
        return Raised(call.raised, call.message, (call.raised,))
    try:
        return codec.decode(call.value) if call.value is not None else _UNSENDABLE
    except codec.CodecError:
        return _UNSENDABLE


_UNSENDABLE = Raised("TypeError", "returned a value that cannot be compared (not plain numbers "
                     "or arrays)", ("TypeError",))


def _atol(prereq: Prerequisite, reference: Any) -> float:
    """The prerequisite's own atol, or summation-order drift of its largest value."""
    import numpy as np

    leaves, largest = [reference], 0.0
    while leaves:
        leaf = leaves.pop()
        if isinstance(leaf, (list, tuple)):
            leaves.extend(leaf)
        elif isinstance(leaf, dict):
            leaves.extend(leaf.values())
        elif isinstance(leaf, (int, float, np.ndarray)) and not isinstance(leaf, bool):
            arr = np.abs(np.asarray(leaf, dtype=np.float64))
            finite = arr[np.isfinite(arr)]
            if finite.size:
                largest = max(largest, float(finite.max()))
    return max(prereq.atol, CALL_DRIFT * largest)


def _replay(ctx: ChainContext, calls: list[tuple[CallRecord, Any]],
            run: Callable[[SandboxRequest], SandboxResult], outcomes: Outcomes) -> list[Any]:
    """What the reference prerequisites return on the recorded inputs: one jailed run, one case
    per call (None for a call that could not be replayed)."""
    if not calls:
        return []
    by_id = {p.id: p for p in ctx.prereqs}
    modules = tuple(spec for p in ctx.prereqs if (spec := reference_module(p)) is not None)
    cases: list[bytes] = []
    slots: list[int | None] = []
    for call, inputs in calls:
        if inputs is None:
            slots.append(None)
            continue
        try:
            encoded = codec.encode({"module": call.function,
                                    "function": by_id[call.function].function,
                                    "args": list(inputs["args"]),
                                    "kwargs": dict(inputs["kwargs"])})
        except (codec.CodecError, TypeError):
            slots.append(None)
            continue
        slots.append(len(cases))
        cases.append(encoded)
    if not cases:
        return [None] * len(calls)
    request = replace(ctx.request, source=REPLAY_SOURCE, filename=REPLAY_FILE, function="replay",
                      driver_path="", driver_source=b"", cases=tuple(cases), forbidden=(),
                      module_name="dltutor_replay", prerequisites=modules, record=False)
    from tutor.grading.sandbox import SandboxLost

    try:
        result = run(request)
    except SandboxLost:
        return [None] * len(calls)
    values: list[Any] = []
    frames = result.frames[:len(cases)] if result.status is not Status.TOO_BIG else ()
    for frame in frames:
        reply = parse_reply(frame)
        if reply.ok:
            values.append(reply.value)
        elif reply.error is not None and reply.error.kind == "exception" \
                and reply.error.stage == "call":
            values.append(Raised(reply.error.type, reply.error.message, reply.error.classes))
        else:
            values.append(None)  # a limit, an unsendable value: not a verdict on the call
    values += [None] * (len(cases) - len(values))
    return [None if slot is None else values[slot] for slot in slots]


HIDDEN_PROBLEM = {
    "values": "returned values that differ from the reference's on the same inputs",
    "nonfinite": "returned NaN or infinite values where the reference's are finite",
    "shape": "returned an array of another shape than the reference's",
    "dtype": "returned another dtype than the reference's",
    "structure": "returned another kind of value than the reference's",
    "type": "returned another kind of value than the reference's",
    "raises": "raised an exception where the reference returns a value",
    "no_raise": "returned a value where the reference raises",
}
_MUTATED = "changed one of its input arrays in place (the caller's array changed under it)"


def _culprit(ctx: ChainContext, prereq: Prerequisite, index: int, call_no: int,
             call: CallRecord, inputs: Any, value: Any, reference: Any,
             mismatch: Mismatch | None) -> Culprit:
    """The culprit in the learner's terms; on hidden cases only what `redact` allows."""
    case = ctx.cases[index]
    if ctx.hidden:
        index_ = redact.source_index(ctx.source)
        shown = call.line is not None and bool(call.caller) and \
            index_.has_frame(call.caller, call.line)
        problem = _MUTATED if mismatch is None else \
            HIDDEN_PROBLEM.get(mismatch.kind, "returned something else than the reference")
        return Culprit(prereq.id, index, call_no, call.caller if shown else "",
                       call.line if shown else None, problem)
    from tutor.grading.checker import output_names, summarise_input

    if mismatch is None:
        return Culprit(prereq.id, index, call_no, call.caller, call.line, _MUTATED,
                       label=case.label)
    summaries = _input_summaries(prereq, inputs, summarise_input)
    place = mismatch.where
    if prereq.exercise is not None:
        names = output_names(prereq.exercise)
        place = names.place(mismatch.where)
        if place == mismatch.where and isinstance(reference, tuple):
            place = names.unnamed_tuple_place(mismatch.where)
    if mismatch.kind in ("values", "nonfinite") and mismatch.worst:
        at, exp, got = mismatch.worst[0]
        spot = "" if at == "()" else f" at [{at.strip('()').rstrip(',')}]"
        inside = "" if place == "output" else f" in {place}"
        count = f" ({mismatch.n_bad} of {mismatch.n_total} values differ)" \
            if mismatch.n_total > 1 else ""
        problem = (f"returned {got:.6g}{spot}{inside} where the reference {prereq.id} gives "
                   f"{exp:.6g}{count}")
    elif mismatch.kind == "raises":
        problem = f"raised {value.type_name}: {value.message}".rstrip(": ") \
            if isinstance(value, Raised) else mismatch.message
    elif mismatch.kind == "no_raise":
        wanted = reference.type_name if isinstance(reference, Raised) else "an error"
        problem = (f"returned {describe(value)} where the reference raises {wanted} on the same "
                   f"inputs (are the arguments {ctx.exercise.id} passes right?)")
    else:
        problem = f"returned something else than the reference: {mismatch.message}"
    return Culprit(prereq.id, index, call_no, call.caller, call.line, problem, summaries,
                   expected=describe(reference), got=describe(value),
                   mismatch=mismatch.to_dict(), label=case.label)


def _input_summaries(prereq: Prerequisite, inputs: dict[str, Any],
                     summarise: Callable[[str, Any], InputSummary]) -> tuple[InputSummary, ...]:
    """The call's arguments by the prerequisite's parameter names (from its starter's
    signature, read with `ast`), positions beyond them as `arg 3`."""
    params = _parameters(prereq)
    args = list(inputs.get("args", []))
    out = [summarise(params[i] if i < len(params) else f"arg {i + 1}", v)
           for i, v in enumerate(args)]
    out += [summarise(str(k), v) for k, v in dict(inputs.get("kwargs", {})).items()]
    return tuple(replace(s, preview=" ".join(s.preview.split())) for s in out)


def _parameters(prereq: Prerequisite) -> list[str]:
    if prereq.exercise is None:
        return []
    try:
        tree = ast.parse(prereq.exercise.starter_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == prereq.function:
            return [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    return []
