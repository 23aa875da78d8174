"""Reading a crash dump (what faulthandler writes on a fatal signal): the words a learner sees for
a check that died of one. Real dumps, made by a Python process here."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from tutor.grading import crashdump
from tutor.grading.protocol import SandboxResult, Status


def dump_of(body: str, tmp_path) -> tuple[bytes, str, int]:
    """Run `body` as a file with faulthandler on: (its stderr, the file's path, returncode)."""
    path = tmp_path / "mine.py"
    path.write_text("import faulthandler, os, sys\n"
                    "faulthandler.enable(file=sys.stderr, all_threads=False)\n"
                    + textwrap.dedent(body))
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, timeout=60,
                          check=False)
    return proc.stderr, str(path), proc.returncode


def result_of(output: bytes, sig: int | None) -> SandboxResult:
    return SandboxResult(Status.EXITED, (), output, False, None, sig, 0.01)


def test_an_abort_is_named_with_the_line_of_the_learners_file(tmp_path):
    out, path, code = dump_of("""
        def inner():
            os.abort()
        def outer():
            print("before", flush=True)
            inner()
        outer()
    """, tmp_path)
    assert code == -signal.SIGABRT
    dump = crashdump.parse(out)
    assert dump is not None and dump.signal == signal.SIGABRT and dump.words == "Aborted"
    assert [(f.line, f.function) for f in dump.frames] == [(5, "inner"), (8, "outer"),
                                                           (9, "<module>")]
    mine = frozenset((path,))
    # the process as PID 1 of a namespace dies of SIGSEGV after an abort: the dump still says
    problem = crashdump.describe(result_of(out, signal.SIGSEGV), mine)[0]
    assert problem == "the process was killed by an abort (SIGABRT) at line 5 of mine.py (in inner)"
    assert crashdump.describe(result_of(out, signal.SIGSEGV), mine)[1] == dump.traceback(mine)
    assert dump.traceback(mine).splitlines() == [
        "Traceback (your code):",
        f'  File "{path}", line 9, in <module>',
        f'  File "{path}", line 8, in outer',
        f'  File "{path}", line 5, in inner',
        "Fatal Python error: Aborted",
    ]
    # a stack that never passes through the learner's files names no line
    assert crashdump.describe(result_of(out, signal.SIGABRT), frozenset({"other.py"}))[0] == \
        "the process was killed by an abort (SIGABRT)"
    assert dump.traceback(frozenset({"other.py"})) == ""


def test_a_segfault_keeps_its_name_and_the_printed_output_loses_the_dump(tmp_path):
    out, path, code = dump_of("""
        import ctypes
        print("printed first", flush=True)
        ctypes.string_at(0)
    """, tmp_path)
    assert code == -signal.SIGSEGV
    result = result_of(b"printed first\n" + out, signal.SIGSEGV)
    assert crashdump.describe(result, frozenset((path,)))[0] == (
        "the process was killed by a segmentation fault (SIGSEGV) at line 6 of mine.py "
        "(in <module>)")
    assert crashdump.printed(result) == b"printed first\n"


def test_the_first_of_two_dumps_is_believed():
    """PID 1's abort: faulthandler dumps SIGABRT, the ignored signal returns into abort(), whose
    trapping instruction dumps again as SIGSEGV."""
    two = (b"Fatal Python error: Aborted\n\nStack (most recent call first):\n"
           b'  File "/w/relu_backward.py", line 3 in relu_backward\n'
           b'  File "/g/trusted.py", line 46 in default_drive\n\n'
           b"Extension modules: numpy._core._multiarray_umath (total: 1)\n"
           b"Fatal Python error: Segmentation fault\n\nStack (most recent call first):\n"
           b'  File "/w/relu_backward.py", line 3 in relu_backward\n')
    dump = crashdump.parse(two)
    assert dump is not None and dump.signal == signal.SIGABRT
    assert [f.file for f in dump.frames] == ["/w/relu_backward.py", "/g/trusted.py"]


def test_pythons_own_fatal_error_is_an_abort_with_its_words():
    out = (b"Fatal Python error: _Py_CheckRecursiveCall: Cannot recover from stack overflow.\n"
           b"Python runtime state: initialized\n\nCurrent thread 0x00007f (most recent call "
           b'first):\n  File "/w/f.py", line 2 in f\n')
    problem = crashdump.describe(result_of(out, signal.SIGSEGV), frozenset({"/w/f.py"}))[0]
    assert problem == ("the process was killed by an abort (SIGABRT): Python stopped "
                       "(_Py_CheckRecursiveCall: Cannot recover from stack overflow.) "
                       "at line 2 of f.py (in f)")


def test_no_dump_or_a_signal_that_leaves_none_keeps_the_exit_status():
    assert crashdump.describe(result_of(b"just output\n", signal.SIGSEGV), frozenset())[0] == \
        "the process was killed by a segmentation fault (SIGSEGV)"
    # SIGKILL (the memory limit, a timeout) leaves no dump: printed text cannot rename it
    fake = b"Fatal Python error: Aborted\n"
    assert crashdump.describe(result_of(fake, signal.SIGKILL), frozenset())[0] == \
        "the process was killed by SIGKILL (often the system running out of memory)"
    assert crashdump.printed(result_of(fake, signal.SIGKILL)) == fake
    assert crashdump.printed(result_of(fake, None)) == fake
