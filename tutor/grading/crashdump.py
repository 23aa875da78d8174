"""What killed a check, read from the crash dump Python's faulthandler wrote into its output.

The child enables `faulthandler` on its stderr (the check's capped output file) before learner
code runs, so a fatal signal leaves `Fatal Python error: Aborted` and the Python stack behind.
The exit status alone can lie: the check's process is PID 1 of its own PID namespace, and the
kernel ignores a signal PID 1 sends itself while its action is the default. `os.abort()` (or a
C library's failed assertion) then finds SIGABRT ignored, and glibc's abort() ends on a trapping
instruction, which is reported as SIGSEGV. The dump says what really happened, and where.

The output is the learner's: they can print a fake dump. That only changes the wording of their
own crash report (the verdict comes from the missing result), so the first dump is believed."""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass
from typing import Any

from tutor.grading.protocol import SandboxResult

#: faulthandler's words for each fatal signal it handles (Modules/faulthandler.c)
SIGNAL_NAMES = {
    "Segmentation fault": signal.SIGSEGV,
    "Aborted": signal.SIGABRT,
    "Bus error": signal.SIGBUS,
    "Illegal instruction": signal.SIGILL,
    "Floating point exception": signal.SIGFPE,
}
SIGNAL_WORDS = {
    signal.SIGSEGV: "a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "a bus error (SIGBUS)",
    signal.SIGILL: "an illegal instruction (SIGILL)",
    signal.SIGABRT: "an abort (SIGABRT)",
    signal.SIGFPE: "a floating-point exception (SIGFPE)",
    signal.SIGKILL: "SIGKILL (often the system running out of memory)",
}
#: the signals after which a dump is looked for (a timeout's SIGKILL leaves none)
FATAL = frozenset(SIGNAL_NAMES.values())

_HEAD = re.compile(rb"^Fatal Python error: ([^\n]{1,300})$", re.MULTILINE)
_FRAME = re.compile(r'^\s+File "([^"\n]{1,4096})", line (\d{1,9}) in ([^\n]{1,200})$')


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str


@dataclass(frozen=True)
class CrashDump:
    """The first dump in an output: the signal it names (None for a fatal error of Python's own,
    such as a stack overflow it could not recover from, which ends in abort()), faulthandler's
    words, and the stack it printed, most recent call first."""

    signal: int | None
    words: str
    frames: tuple[Frame, ...]

    def in_file(self, files: frozenset[str]) -> Frame | None:
        """The innermost frame in one of `files` (the learner's own), if any."""
        return next((f for f in self.frames if f.file in files), None)

    def traceback(self, files: frozenset[str]) -> str:
        """The learner's frames as a traceback reads (most recent call last), then what killed
        the process; "" when the stack never passed through their files."""
        mine = [f for f in reversed(self.frames) if f.file in files]
        if not mine:
            return ""
        return "".join(["Traceback (your code):\n",
                        *(f'  File "{f.file}", line {f.line}, in {f.function}\n' for f in mine),
                        f"Fatal Python error: {self.words}\n"])


def printed(result: SandboxResult) -> bytes:
    """What the check printed, without the crash dump of a fatal signal (the report tells it)."""
    if result.exit_signal not in FATAL:
        return result.output
    head = _HEAD.search(result.output)
    return result.output if head is None else result.output[:head.start()]


def keep_dump(head: bytes, out: Any, size: int, keep: int) -> bytes:
    """The kept output (`head`, the first `keep` bytes of the file `out`, `size` bytes long)
    with the crash dump from the end of the file in place of head's last bytes, when the check
    printed too much for the dump to be in head. The dump is 2-10 KiB (one per fatal signal)."""
    if _HEAD.search(head):
        return head
    start = max(keep, size - 2 * keep)
    out.seek(start)
    tail = out.read(size - start)
    found = _HEAD.search(tail)
    if found is None:
        return head
    dump = tail[found.start():][:keep // 2]
    return head[:keep - len(dump) - 1] + b"\n" + dump


def parse(output: bytes) -> CrashDump | None:
    head = _HEAD.search(output)
    if head is None:
        return None
    words = head.group(1).decode("utf-8", "replace").strip()
    frames: list[Frame] = []
    started = False
    for raw in output[head.end():head.end() + 64 * 1024].decode("utf-8", "replace").splitlines():
        match = _FRAME.match(raw)
        if match:
            started = True
            frames.append(Frame(match.group(1), int(match.group(2)), match.group(3).strip()))
        elif started and raw.strip() == "":
            break  # the end of the first stack
        elif started and not raw.startswith(" "):
            break
    return CrashDump(SIGNAL_NAMES.get(words), words, tuple(frames))


def signal_words(sig: int) -> str:
    try:
        return SIGNAL_WORDS.get(signal.Signals(sig), f"signal {sig}")
    except ValueError:
        return f"signal {sig}"


def describe(result: SandboxResult, files: frozenset[str]) -> tuple[str, str]:
    """A check that died of a signal, in the learner's terms: (what killed it, the traceback of
    their frames). From its crash dump where it left one: an abort is named as one, though PID 1
    of a namespace ends up reported as SIGSEGV, with the line of their file it happened on,
    where the stack passes through one of `files`. Without a dump: the exit signal, and no
    traceback."""
    sig = result.exit_signal
    assert sig is not None
    dump = parse(result.output) if sig in FATAL else None
    if dump is None:
        return f"the process was killed by {signal_words(sig)}", ""
    if dump.signal is not None:
        what = f"the process was killed by {signal_words(dump.signal)}"
    else:  # Py_FatalError: Python gave up, and aborted
        what = f"the process was killed by an abort (SIGABRT): Python stopped ({dump.words[:200]})"
    frame = dump.in_file(files)
    if frame is not None:
        what += f" at line {frame.line} of {os.path.basename(frame.file)} (in {frame.function})"
    return what, dump.traceback(files)
