"""Hostile learner code never passes and never hangs the tutor (the trust boundary).

Every test submits a file for relu_backward through the real worker + zygote + child path."""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from tutor.grading.results import Verdict

CORRECT_BODY = "return np.where(x > 0, dout, 0.0)"


@pytest.fixture(scope="module")
def relu(course):
    return course.exercise("relu_backward")


def submit(grader, relu, write, source: str, timeout: float | None = None):
    path = write("relu_backward.py", textwrap.dedent(source))
    return grader.check(relu, path, timeout=timeout)


def test_correct_solution_passes(grader, relu, write):
    result = submit(grader, relu, write, f"""
        import numpy as np
        def relu_backward(dout, x):
            {CORRECT_BODY}
    """)
    assert result.verdict is Verdict.PASS and result.score == 1.0


def test_infinite_loop_times_out_and_grader_stays_usable(grader, relu, write):
    result = submit(grader, relu, write, """
        def relu_backward(dout, x):
            while True:
                pass
    """, timeout=1.0)
    assert result.verdict is Verdict.TIMEOUT
    assert "too long" in result.message
    again = submit(grader, relu, write, f"""
        import numpy as np
        def relu_backward(dout, x):
            {CORRECT_BODY}
    """)
    assert again.verdict is Verdict.PASS


def test_sleep_times_out(grader, relu, write):
    result = submit(grader, relu, write, """
        import time
        def relu_backward(dout, x):
            time.sleep(60)
    """, timeout=1.0)
    assert result.verdict is Verdict.TIMEOUT


def test_sys_exit_at_import_is_an_error(grader, relu, write):
    result = submit(grader, relu, write, """
        import sys
        sys.exit(0)
        def relu_backward(dout, x):
            return dout
    """)
    assert result.verdict is Verdict.ERROR
    assert result.score == 0.0


def test_os_exit_in_function_is_an_error_never_a_pass(grader, relu, write):
    result = submit(grader, relu, write, """
        import os
        def relu_backward(dout, x):
            os._exit(0)
    """)
    assert result.verdict is Verdict.ERROR
    assert "exited" in result.message


def test_patching_allclose_does_not_help(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np, torch
        np.allclose = lambda *a, **k: True
        np.isclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        torch.allclose = lambda *a, **k: True
        def relu_backward(dout, x):
            return dout * 0 + 1.0
    """)
    assert result.verdict is Verdict.FAIL


def test_ndarray_subclass_with_lying_eq_fails(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __sub__(self, other): return np.zeros(self.shape)
            def __array_finalize__(self, obj): pass
        def relu_backward(dout, x):
            return np.zeros_like(dout).view(Liar)
    """)
    assert result.verdict is Verdict.FAIL


def test_walking_the_stack_finds_no_expected_value(grader, relu, write):
    result = submit(grader, relu, write, """
        import gc, inspect, sys
        import numpy as np
        def relu_backward(dout, x):
            # look through every frame and every live object for an array of the right shape
            # that is not one of our inputs: the expected value, if it were anywhere
            frame = inspect.currentframe()
            while frame is not None:
                for value in list(frame.f_locals.values()):
                    if (isinstance(value, np.ndarray) and value.shape == dout.shape
                            and value is not dout and value is not x):
                        return value
                frame = frame.f_back
            for obj in gc.get_objects():
                if (isinstance(obj, np.ndarray) and obj.shape == dout.shape
                        and obj is not dout and obj is not x and obj.dtype == dout.dtype):
                    return obj.copy()
            return np.zeros_like(dout)
    """)
    assert result.verdict is Verdict.FAIL


def test_reading_the_workers_memory_is_refused(grader, relu, write):
    # the child's ancestors (zygote, worker) are found through /proc and their memory read
    result = submit(grader, relu, write, """
        import os
        import numpy as np
        def ancestors():
            pid = int(os.readlink("/proc/self"))  # the host's PID, namespace or not
            while pid > 1:
                with open(f"/proc/{pid}/stat") as fh:
                    pid = int(fh.read().rsplit(")", 1)[1].split()[1])
                yield pid
        def relu_backward(dout, x):
            read = []
            for pid in list(ancestors())[:2]:   # the zygote and the worker
                try:
                    with open(f"/proc/{pid}/maps") as maps:
                        start = int(maps.readline().split("-")[0], 16)
                    with open(f"/proc/{pid}/mem", "rb") as mem:
                        mem.seek(start)
                        mem.read(16)
                    read.append(pid)
                except OSError:
                    pass
            if read:
                return np.full_like(dout, 123.0)   # a marker: memory was readable
            return np.where(x > 0, dout, 0.0)
    """)
    assert result.verdict is Verdict.PASS, "a child could read the worker's or zygote's memory"


def test_printing_a_fake_verdict_is_just_output(grader, relu, write):
    result = submit(grader, relu, write, """
        import json, sys
        import numpy as np
        def relu_backward(dout, x):
            fake = {"ok": True, "result": {"verdict": "pass", "score": 1.0}}
            print(json.dumps(fake))
            sys.stdout.write("\\x1b[32mPASSED\\x1b[0m all cases passed\\n")
            return np.zeros_like(dout) + 7
    """)
    assert result.verdict is Verdict.FAIL
    assert '"verdict": "pass"' in result.output  # shown as the learner's output, nothing more


def test_memory_bomb_is_contained(grader, relu, write):
    result = submit(grader, relu, write, """
        def relu_backward(dout, x):
            blocks = []
            while True:
                blocks.append(bytearray(100 * 1024 * 1024))
    """, timeout=10.0)
    assert result.verdict in (Verdict.CRASH, Verdict.ERROR)
    assert result.score == 0.0


def test_numpy_memory_bomb_is_contained(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            return np.ones((200000, 200000))
    """, timeout=10.0)
    assert result.verdict in (Verdict.CRASH, Verdict.ERROR)
    assert "memory" in result.message


def test_segfault_is_a_crash(grader, relu, write):
    result = submit(grader, relu, write, """
        import ctypes
        def relu_backward(dout, x):
            ctypes.string_at(0)
    """)
    assert result.verdict is Verdict.CRASH
    assert "SIGSEGV" in result.message
    assert "at line 4 of relu_backward.py (in relu_backward)" in result.message


ABORT = """
    import os
    def relu_backward(dout, x):
        print("about to abort")
        return helper(x)
    def helper(x):
        os.abort()
"""


def test_an_abort_is_named_as_one_with_its_line(grader, relu, write):
    """The check's process is PID 1 of its namespace, which ignores its own SIGABRT: abort()
    then ends as a SIGSEGV. The crash dump tells the truth, and the line."""
    path = write("relu_backward.py", textwrap.dedent(ABORT))
    result = grader.check(relu, path)
    assert result.verdict is Verdict.CRASH and result.score == 0.0
    assert "killed by an abort (SIGABRT) at line 7 of relu_backward.py (in helper)" \
        in result.message
    assert "SIGSEGV" not in result.message
    assert result.report is not None
    assert result.report.traceback.splitlines()[1:] == [
        f'  File "{path}", line 5, in relu_backward',
        f'  File "{path}", line 7, in helper',
        "Fatal Python error: Aborted"]
    # the dump (with the grader's frames) is told in the report, not shown as printed output
    assert result.output == "about to abort\n"


def test_an_abort_on_a_hidden_case_names_neither_signal_nor_line(grader, relu, write):
    path = write("relu_backward.py", textwrap.dedent(ABORT))
    result = grader.check(relu, path, seed=123456789, hidden=True)
    assert result.verdict is Verdict.CRASH
    assert "line" not in result.message and "SIGABRT" not in result.message
    assert result.report is not None and result.report.traceback == ""
    assert "Fatal Python error" not in result.output


def test_an_abort_without_a_pid_namespace_is_named_the_same(grader_without_pidns, relu, write):
    result = submit(grader_without_pidns, relu, write, ABORT)
    assert result.verdict is Verdict.CRASH
    assert "killed by an abort (SIGABRT) at line 7 of relu_backward.py" in result.message


def test_print_flood_is_capped(grader, relu, write):
    result = submit(grader, relu, write, """
        def relu_backward(dout, x):
            while True:
                print("spam" * 1000)
    """, timeout=5.0)
    assert result.verdict in (Verdict.ERROR, Verdict.TIMEOUT)
    assert len(result.output) <= 16 * 1024
    assert result.output_truncated


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_forked_grandchild_is_reaped(grader_without_pidns, relu, write):
    """Without a PID namespace (where the kernel kills the rest with PID 1), a grandchild that
    escaped its process group with setsid() is still found and killed after the check."""
    import tempfile

    shared = tempfile.mkdtemp(prefix="dltutor-grandchild-")
    os.chmod(shared, 0o777)
    pidfile = os.path.join(shared, "grandchild.pid")
    result = submit(grader_without_pidns, relu, write, f"""
        import os, time
        import numpy as np
        def relu_backward(dout, x):
            pid = os.fork()
            if pid == 0:
                os.setsid()
                if os.fork() == 0:
                    open({pidfile!r}, "w").write(str(os.getpid()))
                    time.sleep(300)
                os._exit(0)
            time.sleep(0.05)
            return np.where(x > 0, dout, 0.0)
    """)
    assert result.verdict is Verdict.PASS  # forking is not cheating; outliving the check is
    with open(pidfile) as fh:
        pid = int(fh.read())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "a grandchild outlived the check"
    os.unlink(pidfile)
    os.rmdir(shared)


KILL_ANCESTORS = """
    import os, signal
    import numpy as np
    def relu_backward(dout, x):
        # Every way to find the grader: getppid(), the host's /proc, and kill(-1). Only where
        # that is known to be harmless, as PID 1 of a namespace of our own; anywhere else these
        # would kill the grader and the test runner (and kill(-1) every process of the user).
        if os.getpid() != 1:
            return np.full_like(dout, -999.0)  # not isolated: fail loudly, harm nothing
        targets = [os.getppid()]
        pid = int(os.readlink("/proc/self"))
        for _ in range(3):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    pid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                break  # the jail's /proc shows nothing above PID 1
            targets.append(pid)
        for target in [*targets, -1]:
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
        return np.where(x > 0, dout, 0.0)
"""


def test_learner_code_cannot_signal_the_grader(grader, relu, write):
    worker = grader._proc.pid
    result = submit(grader, relu, write, KILL_ANCESTORS)
    # nothing outside the child's PID namespace was reachable, so it carried on and passed
    assert result.verdict is Verdict.PASS
    assert grader._proc.pid == worker and grader._proc.poll() is None


@pytest.fixture(scope="module")
def grader_without_pidns():
    """Kernels that refuse PID namespaces take the fallback path; test it too."""
    from tutor.grading.client import Grader

    # no namespaces, no uid switch, no seccomp filter: the child may signal its parents (the
    # recovery path; where any of those layers is on it cannot even do that: see test_jail.py)
    g = Grader(env={"DLTUTOR_JAIL_OFF": "namespaces,uid,signals"})
    g.start()
    yield g
    g.close()


def test_without_pid_namespace_killing_the_zygote_is_a_crash_and_the_grader_recovers(
        grader_without_pidns, relu, write):
    grader = grader_without_pidns
    result = submit(grader, relu, write, """
        import os, signal
        def relu_backward(dout, x):
            os.kill(os.getppid(), signal.SIGKILL)
    """)
    assert result.verdict is Verdict.CRASH
    assert "stopped the grader" in result.message
    again = submit(grader, relu, write, f"""
        import numpy as np
        def relu_backward(dout, x):
            {CORRECT_BODY}
    """)
    assert again.verdict is Verdict.PASS


def test_without_pid_namespace_killing_the_worker_is_a_crash_and_the_grader_recovers(
        grader_without_pidns, relu, write):
    grader = grader_without_pidns
    result = submit(grader, relu, write, """
        import os, signal
        def relu_backward(dout, x):
            with open(f"/proc/{os.getppid()}/stat") as fh:
                worker = int(fh.read().rsplit(")", 1)[1].split()[1])
            os.kill(worker, signal.SIGKILL)
    """)
    assert result.verdict is Verdict.CRASH
    again = submit(grader, relu, write, f"""
        import numpy as np
        def relu_backward(dout, x):
            {CORRECT_BODY}
    """)
    assert again.verdict is Verdict.PASS


def test_nan_output_fails(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            return np.full_like(dout, np.nan)
    """)
    assert result.verdict is Verdict.FAIL
    assert "NaN" in result.message


def test_syntax_error_reports_the_line(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np

        def relu_backward(dout, x)
            return dout
    """)
    assert result.verdict is Verdict.ERROR
    assert result.report is None and result.line == 4  # no case, no inputs: just the line
    assert "does not parse: line 4" in result.message


def test_forbidden_shortcut_is_named(grader, relu, write):
    result = submit(grader, relu, write, """
        import torch
        def relu_backward(dout, x):
            t = torch.tensor(x, requires_grad=True)
            torch.relu(t).backward(torch.tensor(dout))
            return t.grad.numpy()
    """)
    assert result.verdict is Verdict.ERROR
    assert "torch.relu is off limits" in result.message


def test_forbidden_name_imported_from_a_module_is_caught(grader, relu, write):
    result = submit(grader, relu, write, """
        from torch.nn.functional import relu as shortcut
        import torch
        def relu_backward(dout, x):
            t = torch.tensor(x, requires_grad=True)
            shortcut(t).backward(torch.tensor(dout))
            return t.grad.numpy()
    """)
    assert result.verdict is Verdict.ERROR
    assert "off limits" in result.message


def test_returning_float32_for_float64_fails(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            return np.where(x > 0, dout, 0.0).astype(np.float32)
    """)
    assert result.verdict is Verdict.FAIL
    assert "float32" in result.message


def test_broadcastable_wrong_shape_fails(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            return np.where(x > 0, dout, 0.0)[..., None]
    """)
    assert result.verdict is Verdict.FAIL
    assert "shape" in result.message


def test_returning_an_object_is_a_clear_failure(grader, relu, write):
    result = submit(grader, relu, write, """
        def relu_backward(dout, x):
            return object()
    """)
    assert result.verdict is Verdict.FAIL
    assert "cannot be graded" in result.message


def test_no_stdin(grader, relu, write):
    result = submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            data = input()
            return np.where(x > 0, dout, 0.0)
    """)
    assert result.verdict is Verdict.ERROR
    assert "EOFError" in result.message


def test_worker_has_no_leftover_children(grader, relu, write):
    submit(grader, relu, write, """
        import numpy as np
        def relu_backward(dout, x):
            return np.where(x > 0, dout, 0.0)
    """)
    worker_pid = grader._proc.pid
    zygotes = [p for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == worker_pid]
    assert len(zygotes) == 2  # the two zygotes (numpy only, and with torch), nothing else

    def leftovers(zygote: str) -> list[str]:
        return [p for p in os.listdir("/proc") if p.isdigit()
                and _ppid(int(p)) == int(zygote) and _alive(int(p))]

    for zygote in zygotes:
        # the tree is swept just after the reply, then the next standby is forked: wait until
        # the sweep is over and the standby is there (never a timing assertion: 20 s is plenty)
        deadline = time.monotonic() + 20
        while len(leftovers(zygote)) != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        # one child is left: the standby for the next check, jailed and waiting, with one child
        # of its own (the namespace's PID 1) and nothing else
        (standby,) = leftovers(zygote)
        below = [p for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == int(standby)]
        assert len(below) <= 1
        assert not [p for p in os.listdir("/proc") if p.isdigit() and below
                    and _ppid(int(p)) == int(below[0])]


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def test_a_crash_after_a_flood_of_prints_still_names_its_line(grader, relu, write):
    """The kept output is the first 8 KiB; the dump is at the end of the file: it is kept too."""
    path = write("relu_backward.py", textwrap.dedent("""
        import os
        def relu_backward(dout, x):
            for i in range(2000):
                print("debugging", i)
            os.abort()
    """))
    result = grader.check(relu, path)
    assert result.verdict is Verdict.CRASH
    assert "killed by an abort (SIGABRT) at line 6 of relu_backward.py" in result.message
    assert result.output.startswith("debugging 0\n") and result.output_truncated
    assert "Fatal Python error" not in result.output
