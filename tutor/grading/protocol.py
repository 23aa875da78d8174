"""The one protocol between the grading worker, its zygote and the jailed child.

    worker ──SandboxRequest──▶ zygote ──fork──▶ child (jailed; runs the learner's code)
    worker ◀──SandboxResult─── zygote ◀──frames── child

Every hop uses the same framing (an 8-byte little-endian length, then the payload) and every
payload is `codec`-encoded plain data (never pickle). The child is untrusted, so what comes from it
is parsed strictly here (`parse_reply`): a frame that is not exactly what an honest child sends is
the learner's error, never a grader failure. The zygote caps how many frames and how many bytes a
check may send (`FRAME_LIMIT`, `BYTES_LIMIT`): past either, the check ends as `TOO_BIG`.

No numpy import beyond what `codec` needs; no torch."""

from __future__ import annotations

import enum
import os
import struct
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO

from tutor.grading import codec

HEADER = struct.Struct("<Q")
MAX_FRAME = 64 * 1024 * 1024  #: one case's result, encoded
BYTES_LIMIT = 256 * 1024 * 1024  #: all of one check's frames together
DONE = b"DONE"  #: the child's last frame


class Status(str, enum.Enum):
    """How a sandboxed run ended, seen from the zygote."""

    DONE = "done"  #: the child sent its last frame
    TIMEOUT = "timeout"  #: the wall clock ran out
    EXITED = "exited"  #: the result channel closed early (exit, signal, crash)
    TOO_BIG = "too_big"  #: more frames or bytes than a check may send
    LOST = "lost"  #: the zygote itself died (learner code killed it)
    JAIL = "jail"  #: the jail could not be built; nothing of the learner's ran
    DRIVER = "driver"  #: the exercise's drive.py failed; nothing of the learner's ran


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def write_frame(fd: int, payload: bytes) -> None:
    """Write one frame to a raw file descriptor (the child's side)."""
    view = memoryview(frame(payload))
    while view:
        view = view[os.write(fd, view):]


def send(stream: BinaryIO, payload: bytes) -> None:
    stream.write(frame(payload))
    stream.flush()


def receive(stream: BinaryIO) -> bytes | None:
    """One frame from a trusted peer's stream, or None at end of stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


class FrameReader:
    """Splits bytes read from the (untrusted) child into frames, enforcing the limits."""

    def __init__(self, max_frames: int) -> None:
        self.frames: list[bytes] = []
        self.max_frames = max_frames
        self._buf = bytearray()
        self._total = 0

    def feed(self, chunk: bytes) -> Status | None:
        """Add bytes; a final status once the child is done or over a limit, else None."""
        self._buf += chunk
        self._total += len(chunk)
        if self._total > BYTES_LIMIT + HEADER.size * (self.max_frames + 1):
            return Status.TOO_BIG
        while len(self._buf) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._buf)
            if size > MAX_FRAME:
                return Status.TOO_BIG
            if len(self._buf) < HEADER.size + size:
                return None
            payload = bytes(self._buf[HEADER.size:HEADER.size + size])
            del self._buf[:HEADER.size + size]
            if payload == DONE:
                return Status.DONE
            if len(self.frames) >= self.max_frames:
                return Status.TOO_BIG
            self.frames.append(payload)
        return None


@dataclass(frozen=True)
class JailSpec:
    """What the zygote's child may see: set by the worker per check (all paths absolute)."""

    protected: tuple[str, ...] = ()  #: course content, submissions: hidden even inside visible trees


@dataclass(frozen=True)
class ModuleSpec:
    """A prerequisite module the child installs in `sys.modules` under `name` (an exercise id)
    before it imports the learner's file, so `from relu_backward import relu_backward` finds it.

    Either `code`, a code object the trusted side compiled from a reference solution and
    marshalled (no source text crosses: `inspect.getsource` in the child finds none), or
    `source`, the learner's own file of that exercise (the chained run), compiled in the child
    under `filename`. `function` is what the child records calls to when the request says
    `record`."""

    name: str
    function: str
    code: bytes = b""
    source: bytes = b""
    filename: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SandboxRequest:
    source: bytes  #: the learner's file, read by the trusted side (the child never opens it)
    filename: str  #: its path as the learner knows it (tracebacks show this)
    function: str
    driver_path: str  #: the exercise's drive.py, or "" for the default driver
    driver_source: bytes  #: its source, read by the worker (the jail hides the file)
    cases: tuple[bytes, ...]  #: each case's inputs, codec-encoded
    timeout: float
    memory_mb: int
    forbidden: tuple[str, ...] = ()
    module_name: str = "submission"
    jail: JailSpec = field(default_factory=JailSpec)
    #: modules to install before the learner's file is imported, dependencies first
    prerequisites: tuple[ModuleSpec, ...] = ()
    #: record the calls into the prerequisites given as `source` (the chained run), per case
    record: bool = False

    def encode(self) -> bytes:
        fields = asdict(self)
        fields["cases"] = list(self.cases)
        fields["forbidden"] = list(self.forbidden)
        fields["jail"] = {"protected": list(self.jail.protected)}
        fields["prerequisites"] = [m.to_dict() for m in self.prerequisites]
        return codec.encode(fields)

    @classmethod
    def decode(cls, blob: bytes) -> SandboxRequest:
        fields = codec.decode(blob)
        fields["cases"] = tuple(fields["cases"])
        fields["forbidden"] = tuple(fields["forbidden"])
        fields["jail"] = JailSpec(tuple(fields["jail"]["protected"]))
        fields["prerequisites"] = tuple(ModuleSpec(**m) for m in fields.get("prerequisites", ()))
        return cls(**fields)


@dataclass(frozen=True)
class SandboxResult:
    status: Status
    frames: tuple[bytes, ...]
    output: bytes
    output_truncated: bool
    exit_code: int | None
    exit_signal: int | None
    elapsed: float
    detail: str = ""  #: for JAIL and DRIVER: what went wrong (the grader's words)

    def encode(self) -> bytes:
        fields = asdict(self)
        fields["status"] = self.status.value
        fields["frames"] = list(self.frames)
        return codec.encode(fields)

    @classmethod
    def decode(cls, blob: bytes) -> SandboxResult:
        fields = codec.decode(blob)
        fields["status"] = Status(fields["status"])
        fields["frames"] = tuple(fields["frames"])
        return cls(**fields)

    @classmethod
    def lost(cls) -> SandboxResult:
        return cls(Status.LOST, (), b"", False, None, None, 0.0)


# -- what the child sends for one case ----------------------------------------------------------

ERROR_KINDS = frozenset({"exception", "memory", "output_flood", "exit", "forbidden", "recursion",
                         "unsendable", "garbled"})
STAGES = frozenset({"import", "call", "return"})


@dataclass(frozen=True)
class CaseError:
    """An exception in the learner's code, as the child reported it (untrusted text)."""

    stage: str  #: import | call | return
    kind: str  #: one of ERROR_KINDS
    type: str  #: the exception's class name (the learner can choose any)
    classes: tuple[str, ...]  #: the exception's MRO, by name (`mro` would shadow type.mro)
    message: str
    traceback: str
    line: int | None = None  #: a SyntaxError's line

    def to_dict(self) -> dict[str, Any]:
        return {"ok": False, "stage": self.stage, "kind": self.kind, "type": self.type,
                "mro": list(self.classes), "message": self.message, "traceback": self.traceback,
                "line": self.line}


@dataclass(frozen=True)
class CallRecord:
    """One call into a learner's prerequisite during a chained case, as the child recorded it
    (untrusted: feedback only, never a verdict). `inputs` and `value` are codec blobs, decoded
    strictly by the trusted side; None when the call was too large to record."""

    function: str  #: the prerequisite's exercise id
    line: int | None  #: the line of the learner's file the call came from
    caller: str  #: the learner's function that made it
    inputs: bytes | None  #: codec: {"args": [...], "kwargs": {...}}, taken before the call
    value: bytes | None  #: codec: what it returned
    raised: str = ""  #: the exception class name when it raised
    message: str = ""
    mutated: bool = False  #: it changed an input array in place


@dataclass(frozen=True)
class CaseReply:
    ok: bool
    value: Any = None  #: the returned value (plain data) when ok
    error: CaseError | None = None
    calls: tuple[CallRecord, ...] = ()  #: the chained run's recorded calls (else empty)


MAX_CALLS = 64  #: calls recorded per case (the child stops recording past it)
_CALL_KEYS = frozenset({"function", "line", "caller", "inputs", "value", "raised", "message",
                        "mutated"})


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**7:
        raise codec.CodecError("bad line")
    return value


def _blob(value: Any) -> bytes | None:
    if value is not None and not isinstance(value, bytes):
        raise codec.CodecError("a recorded value is not a blob")
    return value


def parse_calls(raw: Any) -> tuple[CallRecord, ...]:
    """The `calls` of a chained case's frame. Malformed: none (they are feedback, and an honest
    child never sends them malformed)."""
    try:
        if not isinstance(raw, list) or len(raw) > MAX_CALLS:
            raise codec.CodecError("not a list of calls")
        calls = []
        for item in raw:
            if not isinstance(item, dict) or set(item) != _CALL_KEYS \
                    or not isinstance(item["mutated"], bool):
                raise codec.CodecError("not a call")
            calls.append(CallRecord(
                _text(item["function"], 200), _int_or_none(item["line"]),
                _text(item["caller"], 200), _blob(item["inputs"]), _blob(item["value"]),
                _text(item["raised"], 200), _text(item["message"], 2000), item["mutated"]))
        return tuple(calls)
    except codec.CodecError:
        return ()


def garbled(why: str) -> CaseReply:
    return CaseReply(False, error=CaseError("call", "garbled", "ProtocolError", (),
                                            f"the result could not be read ({why})", ""))


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise codec.CodecError("a text field is not text")
    return value[:limit]


def parse_reply(frame_bytes: bytes) -> CaseReply:
    """Strictly parse one case's frame from the child. Never raises: anything malformed is a
    `garbled` reply, which the checker grades as the learner's failure."""
    try:
        payload = codec.decode(frame_bytes)
        if not isinstance(payload, dict) or not isinstance(payload.get("ok"), bool):
            raise codec.CodecError("not a result")
        calls = parse_calls(payload.pop("calls")) if "calls" in payload else ()
        if payload["ok"]:
            if set(payload) != {"ok", "value"}:
                raise codec.CodecError("unexpected fields")
            return CaseReply(True, payload["value"], calls=calls)
        stage, kind = payload.get("stage"), payload.get("kind")
        if stage not in STAGES or kind not in ERROR_KINDS:
            raise codec.CodecError("unknown stage or kind")
        mro = payload.get("mro")
        if not isinstance(mro, list) or len(mro) > 64:
            raise codec.CodecError("bad mro")
        line = payload.get("line")
        if line is not None and (not isinstance(line, int) or isinstance(line, bool)
                                 or not 0 <= line < 10**7):
            raise codec.CodecError("bad line")
        return CaseReply(False, error=CaseError(
            stage=stage, kind=kind, type=_text(payload.get("type"), 200),
            classes=tuple(_text(m, 200) for m in mro), message=_text(payload.get("message"), 2000),
            traceback=_text(payload.get("traceback"), 6000), line=line), calls=calls)
    except Exception as exc:  # noqa: BLE001 - anything malformed is the learner's
        return garbled(str(exc)[:200])
