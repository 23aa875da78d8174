"""One process per jailed check (`tutor/grading/clone.py`): the check's process is cloned
straight into its namespaces, PID 1 inside, instead of a forked child that unshares and forks
again. What must hold: the cloned child is a working Python process (threads, fork, glibc's idea
of its own thread id), the standby child is one process that is PID 1 of its namespace, and the
old path (DLTUTOR_JAIL_CLONE=0) still grades the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutor.grading.worker import THREAD_VARS

# clone() wants a single-threaded process (as the zygote is); a pytest-xdist worker runs an I/O
# thread, so each check below runs in a fresh interpreter of its own.
PRELUDE = """
import ctypes, os, threading
from tutor.grading import clone, sandbox
from tutor.grading.isolation import decide
from tutor.grading.proctree import descendants

def exit_status(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)

def child_checks():
    libc = ctypes.CDLL(None)
    libc.pthread_self.restype = ctypes.c_void_p
    tid = ctypes.c_int.from_address(libc.pthread_self() + clone._CLONE.tid_offset).value
    if tid != threading.get_native_id():
        return 1  # glibc's thread descriptor would signal the parent's thread
    box = []
    worker = threading.Thread(target=lambda: box.append(1))
    worker.start()
    worker.join()
    if box != [1]:
        return 2
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    return 0 if exit_status(pid) == 7 else 3

assert clone.available(), "clone() is not usable here"
"""


def _run(body: str) -> str:
    # as the worker runs: every native thread pool pinned to one thread, so the process has
    # one thread (with OpenBLAS's own threads, `clone.available()` says no)
    env = {**os.environ, **{var: "1" for var in THREAD_VARS}}
    proc = subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its cloned children too, not only itself
        proc.communicate()
        raise
    out = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if "SKIP:" in out.stdout:
        pytest.skip(out.stdout.split("SKIP:", 1)[1].strip())
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_a_cloned_child_is_a_working_python_process():
    assert _run("""
        pid = clone.clone(0)
        if pid == 0:
            os._exit(child_checks())
        print(exit_status(pid))
    """) == "0"


def test_a_child_cloned_into_a_pid_namespace_is_pid_1_there():
    said = _run("""
        read, write = os.pipe()
        try:
            pid = clone.clone(0x20000000 | 0x10000000)  # CLONE_NEWPID | CLONE_NEWUSER
        except OSError as exc:
            print("SKIP: no unprivileged namespaces here:", exc)
            raise SystemExit(0)
        if pid == 0:
            os.write(write, f"{os.getpid()} {child_checks()}".encode())
            os._exit(0)
        os.close(write)
        print(os.read(read, 100).decode(), exit_status(pid))
    """)
    assert said == "1 0 0"  # PID 1 inside, glibc's thread id is 1 too, and it exited cleanly


def test_a_standby_check_is_one_process_pid_1_of_its_namespace():
    said = _run("""
        plan, _ = decide()
        if not plan.pid:
            print("SKIP: no PID namespace on this machine")
            raise SystemExit(0)
        standby = sandbox.prepare(plan)
        try:
            with open(f"/proc/{standby.pid}/status") as fh:
                nspid = next(line.split()[1:] for line in fh if line.startswith("NSpid:"))
            print(len(descendants(standby.pid)), nspid == [str(standby.pid), "1"])
        finally:
            standby.discard()
            sandbox.reap_zombies()
    """)
    assert said == "0 True"  # nobody below it (no second process), and it is PID 1 inside


def test_the_fork_path_still_grades_the_same(tmp_path):
    from tutor.course import load_course
    from tutor.grading.client import Grader
    from tutor.grading.results import Verdict

    relu = load_course().exercise("relu_backward")
    wrong = Path(__file__).parent / "data" / "submissions" / "bob" / "relu_backward.py"
    results = {}
    for mode in ("1", "0"):
        with Grader(env={"DLTUTOR_JAIL_CLONE": mode}) as grader:
            results[mode] = [grader.check(relu, f) for f in (relu.solution_path, wrong)]
    for mode in ("1", "0"):
        assert [r.verdict for r in results[mode]] == [Verdict.PASS, Verdict.FAIL]
    assert results["1"][1].mistake == results["0"][1].mistake == "ge_instead_of_gt"
    assert results["1"][1].score == results["0"][1].score


def test_clone_is_refused_while_another_thread_runs():
    assert _run("""
        import time
        threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
        print(clone.available())
    """) == "False"


def test_the_workers_zygotes_keep_one_process_per_check():
    """In the real worker: after a check, each zygote's standby (the next check's process) is
    PID 1 of its own namespace, with nothing below it."""
    from tutor.course import load_course
    from tutor.grading.client import Grader
    from tutor.grading.isolation import decide
    from tutor.grading.proctree import descendants

    if not decide()[0].pid:
        pytest.skip("no PID namespace on this machine")
    relu = load_course().exercise("relu_backward")
    with Grader() as grader:
        assert grader.check(relu, relu.solution_path).verdict.value == "pass"
        worker = grader._proc.pid
        zygotes = [p for p in descendants(worker) if _ppid(p) == worker]
        assert len(zygotes) == 2  # light and torch
        standbys = [p for z in zygotes for p in descendants(z) if _ppid(p) == z]
        assert standbys
        for pid in standbys:
            assert _nspid(pid)[-1] == "1" and len(_nspid(pid)) == 2
            assert descendants(pid) == []


def _ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        return int(fh.read().rsplit(b")", 1)[1].split()[1])


def _nspid(pid: int) -> list[str]:
    with open(f"/proc/{pid}/status") as fh:
        return next(line.split()[1:] for line in fh if line.startswith("NSpid:"))
