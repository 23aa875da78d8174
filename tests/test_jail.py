"""The jail, attacked as a hostile class would: every attack's verdict *and* its side effect.

Each attack is a relu_backward submission that tries something and returns the right answer only
if the attempt worked (else zeros): so PASS means the attack succeeded. With every layer on, no
attack passes and every canary is untouched; with the defending layer switched off
(DLTUTOR_JAIL_OFF), the same attack passes — so each test can fail.

`full` is the jail as this machine gives it; `fallback` has no namespaces (what Docker's default
seccomp profile leaves a root grader: it still drops to nobody); `bare` has no namespaces and no
uid switch — used only for attacks that cannot hurt the test machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tutor.grading import signals
from tutor.grading.isolation import decide
from tutor.grading.results import Verdict

ROOT = os.geteuid() == 0
RIGHT = "np.where(x > 0, dout, 0.0)"


def _isolation(off: str):
    old = os.environ.get("DLTUTOR_JAIL_OFF")
    os.environ["DLTUTOR_JAIL_OFF"] = off
    try:
        return decide()[1]
    finally:
        if old is None:
            del os.environ["DLTUTOR_JAIL_OFF"]
        else:
            os.environ["DLTUTOR_JAIL_OFF"] = old


FULL = _isolation("")
needs_full = pytest.mark.skipif(not FULL.full, reason="this kernel refuses namespaces: "
                                + FULL.summary())
needs_root = pytest.mark.skipif(not ROOT, reason="the uid layer switches only a root grader")


def _grader(off: str):
    from tutor.grading.client import Grader

    g = Grader(env={"DLTUTOR_JAIL_OFF": off} if off else None)
    g.start()
    return g


@pytest.fixture(scope="module")
def full(grader):
    return grader  # the session's grader: every layer this machine gives


@pytest.fixture(scope="module")
def fallback():
    g = _grader("namespaces")
    yield g
    g.close()


@pytest.fixture(scope="module")
def bare():
    g = _grader("namespaces,uid")
    yield g
    g.close()


@pytest.fixture(scope="module")
def relu(course):
    return course.exercise("relu_backward")


def attack(grader, relu, tmp_path: Path, body: str, *, hidden_seed: int | None = None):
    """Submit a relu_backward whose function runs `body` (which sets `won = True` when the
    attack worked) and returns the right answer only then."""
    source = "import numpy as np, os, sys\n\ndef relu_backward(dout, x):\n    won = False\n" + \
        textwrap.indent(textwrap.dedent(body), "    ") + \
        f"\n    return {RIGHT} if won else np.zeros_like(x)\n"
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    path = folder / "relu_backward.py"
    path.write_text(source)
    if hidden_seed is None:
        return grader.check(relu, path)
    return grader.check(relu, path, seed=hidden_seed, hidden=True)


def test_an_honest_submission_passes_in_the_full_jail(full, relu, tmp_path):
    assert attack(full, relu, tmp_path, "won = True").verdict is Verdict.PASS


# -- nothing trusted in the child's memory --------------------------------------------------------


def test_no_reference_or_case_generator_in_the_childs_memory(full, relu, tmp_path):
    result = attack(full, relu, tmp_path, """
        import gc
        for mod in list(sys.modules.values()):
            path = str(getattr(mod, "__file__", "") or "")
            if path.endswith("/check.py") or "/mistakes/" in path or "/solutions/" in path:
                won = True
        import types
        for obj in gc.get_objects():
            if isinstance(obj, types.FunctionType) and obj.__code__.co_filename.endswith(
                    ("/check.py", "solutions/relu_backward.py")):
                won = True
        import tutor.grading.child as c
        if hasattr(c, "_KEEP_ALIVE") or hasattr(sys.modules.get("tutor.grading.sandbox"), "_KEEP_ALIVE"):
            won = True
    """)
    assert result.verdict is Verdict.FAIL, result.message


# -- the filesystem ---------------------------------------------------------------------------------


@needs_full
def test_course_files_are_invisible_and_unwritable(full, bare, relu, course, tmp_path):
    check = Path(relu.check_path)
    body = f"""
        try:
            open({str(check)!r}).read()
            won = True
        except OSError:
            pass
        try:
            open({str(relu.solution_path)!r}).read()
            won = True
        except OSError:
            pass
    """
    assert attack(full, relu, tmp_path, body).verdict is Verdict.FAIL
    assert attack(bare, relu, tmp_path, body).verdict is Verdict.PASS  # the test can fail


@needs_full
def test_a_classmates_file_and_a_victim_outside_are_untouched(full, bare, relu, tmp_path):
    classmate = tmp_path / "bob" / "relu_backward.py"
    classmate.parent.mkdir()
    classmate.write_text("# bob's work\n")
    victim = tmp_path / "instructor" / "grades.csv"
    victim.parent.mkdir()
    victim.write_text("alice,10\n")
    body = f"""
        for p in ({str(classmate)!r}, {str(victim)!r}):
            try:
                with open(p, "a") as fh:
                    fh.write("forged,10\\n")
                won = True
            except OSError:
                pass
    """
    assert attack(full, relu, tmp_path, body).verdict is Verdict.FAIL
    assert classmate.read_text() == "# bob's work\n" and victim.read_text() == "alice,10\n"
    assert attack(bare, relu, tmp_path, body).verdict is Verdict.PASS
    assert "forged" in victim.read_text()


@needs_full
def test_home_cannot_be_read_or_removed(relu, tmp_path):
    from tutor.grading.client import Grader

    home = tmp_path / "home"
    home.mkdir()
    secret = home / ".ssh_key"
    secret.write_text("SECRET")
    body = f"""
        import shutil
        try:
            won = open({str(secret)!r}).read() == "SECRET"
            shutil.rmtree({str(home)!r})
        except OSError:
            pass
        home = os.environ.get("HOME", "")
        won = won or home == {str(home)!r}
    """
    with Grader(env={"HOME": str(home)}) as g:
        assert attack(g, relu, tmp_path, body).verdict is Verdict.FAIL
    assert secret.read_text() == "SECRET"


@needs_full
@needs_root
def test_a_root_owned_0600_file_is_unreadable_even_without_namespaces(fallback, bare, relu,
                                                                     tmp_path):
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="dltutor-test-"))  # a folder anyone may walk into
    folder.chmod(0o755)
    secret = folder / "root-only"
    secret.write_text("TOPSECRET")
    os.chmod(secret, 0o600)
    body = f"""
        try:
            won = open({str(secret)!r}).read() == "TOPSECRET"
        except OSError:
            pass
        won = won and os.getuid() == 0
    """
    try:
        assert attack(fallback, relu, tmp_path, body).verdict is Verdict.FAIL  # an unprivileged uid
        assert attack(bare, relu, tmp_path, body).verdict is Verdict.PASS
    finally:
        secret.unlink()
        folder.rmdir()


@needs_full
def test_the_child_runs_as_an_unprivileged_uid_of_its_own(full, relu, tmp_path):
    result = attack(full, relu, tmp_path,
                    "won = os.getuid() >= 2_000_000_000 and os.getgid() == os.getuid()")
    assert result.verdict is (Verdict.PASS if ROOT else Verdict.FAIL)


@needs_full
def test_no_leftovers_in_tmp_shm_or_the_cwd(full, fallback, relu, tmp_path, monkeypatch):
    marker = f"dltutor-leftover-{os.getpid()}"
    body = f"""
        for d in ("/tmp", "/dev/shm", os.getcwd(), os.environ.get("TMPDIR", "/tmp")):
            try:
                with open(os.path.join(d, {marker!r}), "w") as fh:
                    fh.write("x")
                won = True
            except OSError:
                pass
    """
    assert attack(full, relu, tmp_path, body).verdict is Verdict.PASS  # it may write: privately
    leftovers = [p for p in ("/tmp", "/dev/shm", os.getcwd())
                 if os.path.exists(os.path.join(p, marker))]
    assert leftovers == []
    try:  # without a mount namespace: its own working folder, removed after the check
        attack(fallback, relu, tmp_path, body)
        assert not os.path.exists(os.path.join(os.getcwd(), marker))
    finally:
        for d in ("/tmp", "/dev/shm"):
            if os.path.exists(os.path.join(d, marker)):
                os.unlink(os.path.join(d, marker))


@needs_full
def test_the_private_tmp_is_size_capped(full, relu, tmp_path):
    result = attack(full, relu, tmp_path, """
        chunk = b"x" * (1000 * 1000)
        try:
            for i in range(200):
                with open(f"/tmp/fill{i}", "wb") as fh:
                    fh.write(chunk)
            won = True
        except OSError:
            pass
    """)
    assert result.verdict is Verdict.FAIL


@needs_full
def test_proc_shows_only_the_childs_namespace(full, fallback, relu, tmp_path):
    body = """
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
        won = len(pids) > 3
    """
    assert attack(full, relu, tmp_path, body).verdict is Verdict.FAIL
    assert attack(fallback, relu, tmp_path, body).verdict is Verdict.PASS


@needs_full
def test_no_terminal_is_reachable(full, bare, relu, tmp_path):
    master, slave = os.openpty()
    name = os.ttyname(slave)
    body = f"""
        for dev in ("/dev/tty", {name!r}):
            try:
                with open(dev, "w") as fh:
                    fh.write("pwned\\n")
                won = True
            except OSError:
                pass
    """
    try:
        assert attack(full, relu, tmp_path, body).verdict is Verdict.FAIL
        assert attack(bare, relu, tmp_path, body).verdict is Verdict.PASS
    finally:
        os.close(master)
        os.close(slave)


# -- the network --------------------------------------------------------------------------------


@needs_full
def test_a_loopback_listener_is_never_contacted(full, relu, tmp_path):
    from tutor.grading.client import Grader

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    contacts = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                contacts.append(conn.recv(100))
                conn.close()
            except OSError:
                continue

    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    body = f"""
        import socket
        try:
            s = socket.create_connection(("127.0.0.1", {port}), timeout=1)
            s.sendall(b"hello from the jail")
            s.close()
            won = True
        except OSError:
            pass
    """
    try:
        assert attack(full, relu, tmp_path, body).verdict is Verdict.FAIL
        assert contacts == []
        with Grader(env={"DLTUTOR_JAIL_OFF": "net"}) as g:
            assert attack(g, relu, tmp_path, body).verdict is Verdict.PASS
    finally:
        stop.set()
        thread.join()
        listener.close()


# -- secrets ------------------------------------------------------------------------------------


@needs_full
def test_the_seed_is_in_no_environment_and_no_command_line(fallback, relu, tmp_path,
                                                           monkeypatch):
    from tutor.grading.client import Grader

    secret = "98765432101234567"
    monkeypatch.setenv("DLTUTOR_SEED", secret)
    monkeypatch.setenv("HW_SECRET_SEED", secret)
    # a grader process whose command line holds the seed, as `dltutor grade --seed` does
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "--seed",
                              secret])
    body = f"""
        texts = [repr(dict(os.environ))]
        for p in os.listdir("/proc"):
            for f in ("cmdline", "environ"):
                try:
                    texts.append(open(f"/proc/{{p}}/{{f}}", "rb").read().decode("latin-1"))
                except OSError:
                    pass
        won = any({secret!r} in t for t in texts)
    """
    try:
        with Grader() as g:
            assert attack(g, relu, tmp_path, body, hidden_seed=int(secret)).verdict \
                is Verdict.FAIL
        # without a PID namespace, the host's /proc shows every command line
        assert attack(fallback, relu, tmp_path, body).verdict is Verdict.PASS
    finally:
        decoy.kill()
        decoy.wait()


def test_files_dropped_in_the_callers_cwd_never_run_in_the_worker(relu, tmp_path,
                                                                  monkeypatch):
    from tutor.grading.client import Grader

    canary = tmp_path / "ran"
    for name in ("sitecustomize.py", "numpy.py", "usercustomize.py"):
        (tmp_path / name).write_text(f"open({str(canary)!r}, 'a').write({name!r})\n")
    monkeypatch.chdir(tmp_path)
    # the attack works on a plain interpreter started here ...
    subprocess.run([sys.executable, "-c", "import numpy"], cwd=tmp_path, check=False,
                   env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert canary.exists()
    canary.unlink()
    # ... and not on the grading worker started from here, with PYTHONPATH pointing at it
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with Grader() as g:
        assert attack(g, relu, tmp_path, "won = True").verdict is Verdict.PASS
    assert not canary.exists()


# -- what comes back ------------------------------------------------------------------------------


def test_a_garbled_frame_is_the_learners_error_not_the_graders(full, relu, tmp_path):
    result = attack(full, relu, tmp_path, """
        import struct
        body = b'{"t": "dict", "v": 5}'
        os.write(3, struct.pack("<Q", 8 + len(body)) + struct.pack("<Q", len(body)) + body)
        os._exit(0)
    """)
    assert result.verdict in (Verdict.FAIL, Verdict.ERROR)
    assert "could not be read" in result.message or "cannot be graded" in result.message
    assert attack(full, relu, tmp_path, "won = True").verdict is Verdict.PASS


def test_a_flood_of_frames_is_capped(full, relu, tmp_path):
    result = attack(full, relu, tmp_path, """
        import struct
        frame = struct.pack("<Q", 4) + b"abcd"
        for _ in range(200000):
            os.write(3, frame)
    """)
    assert result.verdict is Verdict.ERROR
    assert "more results" in result.message
    assert attack(full, relu, tmp_path, "won = True").verdict is Verdict.PASS


def test_a_huge_frame_header_is_capped(full, relu, tmp_path):
    result = attack(full, relu, tmp_path, """
        import struct
        os.write(3, struct.pack("<Q", 1 << 40))
    """)
    assert result.verdict is Verdict.ERROR


# -- fallback: no namespaces ---------------------------------------------------------------------


@needs_root
def test_kill_minus_one_in_fallback_mode_spares_the_cli(relu, tmp_path):
    if not _isolation("namespaces").layers[3].on:
        pytest.skip("cannot drop to nobody here: kill(-1) would reach this machine's processes")
    path = tmp_path / "relu_backward.py"
    path.write_text("import os, signal\n"
                    "def relu_backward(dout, x):\n"
                    "    os.kill(-1, signal.SIGKILL)\n"
                    "    return dout\n")
    env = {**os.environ, "DLTUTOR_JAIL_OFF": "namespaces", "DLTUTOR_HOME": str(tmp_path / "h")}
    proc = subprocess.run([sys.executable, "-m", "tutor", "check", "relu_backward", "--file",
                           str(path), "--json"], capture_output=True, text=True, env=env,
                          timeout=240, check=False)
    assert proc.returncode == 1, proc.stderr  # a verdict, not a killed CLI (-9)
    assert json.loads(proc.stdout)["verdict"] in ("crash", "error", "fail")
    assert "partial isolation" in proc.stderr


def test_a_syntax_error_is_not_an_attempt(tmp_path):
    from tutor.session import Session

    session = Session.open(tmp_path / "ws")
    try:
        exercise = session.course.exercise("relu_backward")
        path = session.workspace.ensure(exercise)
        for broken in ("def relu_backward(dout, x)\n    return dout\n",
                       "import no_such_module_here\n",
                       "def something_else(dout, x):\n    return dout\n"):
            path.write_text(broken)
            result = session.check(exercise)
            assert result.verdict is Verdict.ERROR and not result.loaded
        assert session.real_attempts(exercise) == 0
        assert session.progress.status(exercise.id).value != "attempted"
        path.write_text("def relu_backward(dout, x):\n    return dout\n")
        assert session.check(exercise).loaded
        assert session.real_attempts(exercise) == 1
    finally:
        session.close()


def test_a_symlink_out_of_a_submission_is_refused(relu, tmp_path):
    from tutor.grading.batch import Submission, grade_batch
    from tutor.grading.sets import every_exercise, resolve

    del relu
    from tutor.course import load_course

    course = load_course()
    folder = tmp_path / "mallory"
    folder.mkdir()
    solution = course.exercise("relu_backward").solution_path
    (folder / "relu_backward.py").symlink_to(solution)
    items = [i for i in resolve(every_exercise(course), course) if i.id == "relu_backward"]
    report = grade_batch([Submission("mallory", folder)], items, title="t", jobs=1)
    grade = report.submissions[0].exercises[0]
    assert grade.score == 0 and "link" in grade.message



# -- saying so: doctor, grade, reports -------------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"


def _dltutor(*args: str, env: dict[str, str] | None = None, tmp_path: Path | None = None):
    full_env = {**os.environ, **(env or {})}
    if tmp_path is not None:
        full_env["DLTUTOR_HOME"] = str(tmp_path / "home")
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True,
                          text=True, env=full_env, timeout=300, check=False)


def test_doctor_lists_every_layer_and_exits_by_the_level(tmp_path):
    proc = _dltutor("doctor", "--json", tmp_path=tmp_path)
    doc = json.loads(proc.stdout)
    assert [layer["name"] for layer in doc["layers"]] == \
        ["pid", "mount", "net", "uid", "env", "tty", "limits", "caps"]
    assert proc.returncode == (0 if doc["level"] == "full" else 1)
    off = _dltutor("doctor", env={"DLTUTOR_JAIL_OFF": "net"}, tmp_path=tmp_path)
    assert off.returncode == 1
    assert "✘ net" in off.stdout and "switched off" in off.stdout
    assert "--allow-partial-isolation" in off.stdout


@needs_full
def test_grade_refuses_hidden_cases_under_partial_isolation_unless_told(tmp_path):
    args = ("grade", "--set", str(DATA / "sets" / "tiny_hidden.toml"),
            str(DATA / "submissions" / "alice"), "--format", "json")
    env = {"DLTUTOR_JAIL_OFF": "net", "TINY_SEED": "0x9f3c2b7e5a1d4c8f6e2b9a7d3c5e1f08"}
    refused = _dltutor(*args, env=env, tmp_path=tmp_path)
    assert refused.returncode == 2
    assert "partial isolation" in refused.stderr and "no net" in refused.stderr
    allowed = _dltutor(*args, "--allow-partial-isolation", env=env, tmp_path=tmp_path)
    assert allowed.returncode in (0, 1), allowed.stderr
    assert json.loads(allowed.stdout)["isolation"] == "partial: no net"
    full = _dltutor(*args, env={"TINY_SEED": env["TINY_SEED"]}, tmp_path=tmp_path)
    assert json.loads(full.stdout)["isolation"].startswith("full")


def test_the_gradescope_export_bakes_the_partial_isolation_choice():
    from tutor.grading.export import run_autograder_script

    def grade_line(script: str) -> str:
        (line,) = [ln for ln in script.splitlines() if ln.startswith("dltutor grade")]
        return line

    assert "--allow-partial-isolation" not in grade_line(run_autograder_script())
    assert "--allow-partial-isolation" in grade_line(
        run_autograder_script(allow_partial_isolation=True))


# -- no PID namespace: signals stay inside (seccomp) -------------------------------------------------

PROBE_PARENT = """
    try:
        os.kill(os.getppid(), 0)  # signal 0: a harmless probe of whether a signal would reach
        won = True
    except OSError:
        pass
"""


needs_seccomp = pytest.mark.skipif(not signals.available(),
                                   reason="the seccomp filter is built for x86_64 and aarch64")


@needs_seccomp
def test_without_a_pid_namespace_signals_reach_no_other_process(bare, relu, tmp_path):
    from tutor.grading.client import Grader

    assert attack(bare, relu, tmp_path, PROBE_PARENT).verdict is Verdict.FAIL
    with Grader(env={"DLTUTOR_JAIL_OFF": "namespaces,uid,signals"}) as g:
        assert attack(g, relu, tmp_path, PROBE_PARENT).verdict is Verdict.PASS


@needs_seccomp
def test_kill_minus_one_as_the_graders_own_uid_spares_everything(relu, tmp_path):
    """The case a non-root grader without namespaces is in: the child has the grader's uid."""
    path = tmp_path / "relu_backward.py"
    path.write_text("import os, signal\n"
                    "def relu_backward(dout, x):\n"
                    "    if 'Seccomp:\\t2' not in open('/proc/self/status').read():\n"
                    "        return dout  # no filter: harm nothing, fail the test below\n"
                    "    os.kill(-1, signal.SIGKILL)\n"
                    "    return dout\n")
    env = {**os.environ, "DLTUTOR_JAIL_OFF": "namespaces,uid",
           "DLTUTOR_HOME": str(tmp_path / "h")}
    proc = subprocess.run([sys.executable, "-m", "tutor", "check", "relu_backward", "--file",
                           str(path), "--json"], capture_output=True, text=True, env=env,
                          timeout=240, check=False)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verdict"] == "error" and "PermissionError" in report["message"]
