"""`dltutor grade --scheduler`: a class graded on a Dask cluster gets the same reports, byte for
byte, as a local run; a worker lost mid-batch costs nothing; a missing Dask or a wrong address
is a usage error, never a hang.

Cluster workers each start a grading engine (torch, seconds), so the gradings here are few: one
local reference run, one on `local:2`, one on a cluster that loses a worker."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SEED = "0x5eed5eed5eed5eed5eed5eed5eed5eed"  # hidden cases
CLASS = ["alice", "bob", "eve", "frank", "mallory"]


def dltutor(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    env.update(PYTHONPATH=str(REPO), DLTUTOR_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """Five submissions × relu_backward (built in) and scale_add (a pack): alice right, bob
    wrong, eve's relu_backward in a subfolder, frank's files missing, mallory's relu_backward a
    link to the instructor's solution (unreadable: outside the submission)."""
    root = tmp_path_factory.mktemp("class")
    for name in CLASS[:4]:
        shutil.copytree(DATA / "submissions" / name, root / name)
    (root / "mallory").mkdir()
    (root / "mallory" / "relu_backward.py").symlink_to(REPO / "solutions" / "relu_backward.py")
    shutil.copy(DATA / "submissions" / "alice" / "scale_add.py", root / "mallory")
    (root / "set.toml").write_text(
        f'title = "Cluster homework"\npacks = ["{DATA / "pack"}"]\ntimeout = 5\n\n'
        '[[exercises]]\nid = "relu_backward"\n\n[[exercises]]\nid = "scale_add"\n')
    return root


def grade(klass: Path, out: Path, *how: str) -> subprocess.CompletedProcess[str]:
    out.mkdir(parents=True, exist_ok=True)
    return dltutor("grade", "--set", str(klass / "set.toml"), "--seed", SEED, *how,
                   "--format", "json", "--output", str(out / "report.json"),
                   "--also", f"text={out / 'report.txt'}", "--no-honesty",
                   *(str(klass / n) for n in CLASS), home=out / "home")


@pytest.fixture(scope="module")
def local_run(klass, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run = grade(klass, out, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    return out


def assert_same_reports(local: Path, cluster: Path) -> None:
    for name in ("report.json", "report.txt"):
        assert (cluster / name).read_bytes() == (local / name).read_bytes(), name


def test_the_local_run_grades_what_the_class_handed_in(local_run):
    """The reference is a real grading: right, wrong, missing and unreadable files."""
    import json

    report = json.loads((local_run / "report.json").read_text())
    verdicts = {s["submission"]: [e["verdict"] for e in s["exercises"]]
                for s in report["submissions"]}
    assert verdicts == {"alice": ["pass", "pass"], "bob": ["fail", "fail"],
                        "eve": ["pass", "error"], "frank": ["missing", "missing"],
                        "mallory": ["error", "pass"]}
    assert report["hidden"] is True
    assert "link to a file outside the submission" in report["submissions"][4][
        "exercises"][0]["message"]


def test_a_local_cluster_writes_the_same_reports_byte_for_byte(klass, local_run, tmp_path):
    run = grade(klass, tmp_path, "--scheduler", "local:2")
    assert run.returncode == 0, run.stderr
    assert "on a local Dask cluster of 2 workers" in run.stderr
    assert_same_reports(local_run, tmp_path)


class DieOnce(distributed.WorkerPlugin):
    """Kills the Dask worker it runs in as a grading task starts there, as a preempted node
    would; once per cluster (the first worker to create `marker` dies)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish != "executing" or not str(key).startswith("grade_task"):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(key).encode())
        os.close(fd)
        os._exit(1)


def test_a_worker_lost_mid_batch_is_replaced_and_nothing_is_graded_twice(klass, local_run,
                                                                          tmp_path):
    marker = tmp_path / "killed"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        client.register_plugin(DieOnce(str(marker)), name="die-once")
        run = grade(klass, tmp_path / "out", "--scheduler", cluster.scheduler_address)
    assert marker.read_text().startswith("grade_task"), "no worker died while grading"
    assert run.returncode == 0, run.stderr
    assert "the Dask cluster at tcp://" in run.stderr
    assert "Traceback" not in run.stderr
    # the lost check ran again elsewhere, and counts once: the same reports as the local run
    assert_same_reports(local_run, tmp_path / "out")


def test_grade_batch_refuses_a_check_delivered_twice(tmp_path):
    """The seam's guard: whatever an executor does, a report never counts a check twice."""
    from tutor.course import load_course
    from tutor.grading.batch import BatchError, _missing, discover, grade_batch
    from tutor.grading.sets import AssignmentSet, SetEntry, resolve

    items = resolve(AssignmentSet("t", (SetEntry("relu_backward"),)), load_course())
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "relu_backward.py").write_text("def relu_backward(x, g):\n    pass\n")
    subs = discover([tmp_path / "ann"])

    def twice(tasks, items, seed, preflight, deliver) -> None:
        for task in [*tasks, *tasks]:
            deliver(task, _missing(task[2], "stand-in grade"))

    with pytest.raises(BatchError, match="relu_backward was delivered twice"):
        grade_batch(subs, items, title="t", run_tasks=twice)


def test_grading_without_scheduler_never_loads_dask():
    code = ("import sys, tutor.cli, tutor.commands.grade_cmd, tutor.grading.batch\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO, timeout=120)
    assert out.stdout.strip() == "[]"


def test_without_dask_scheduler_is_a_usage_error(monkeypatch, capsys, tmp_path):
    from tutor.cli import main

    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # `import` now fails, as when uninstalled
    monkeypatch.delitem(sys.modules, "tutor.grading.cluster", raising=False)
    (tmp_path / "ann").mkdir()
    assert main(["grade", "--scheduler", "local:2", str(tmp_path / "ann")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'dltutor[dask]'" in err
    assert "Traceback" not in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_a_usage_error(klass, tmp_path):
    run = dltutor("grade", "--set", str(klass / "set.toml"), "--scheduler",
                  f"tcp://127.0.0.1:{_closed_port()}", str(klass / "alice"), home=tmp_path,
                  timeout=60)
    assert run.returncode == 2, run.stderr
    assert "cannot reach the Dask scheduler" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_peer_that_is_not_a_scheduler_is_a_usage_error_not_a_hang(klass, tmp_path):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        run = dltutor("grade", "--set", str(klass / "set.toml"), "--scheduler",
                      f"127.0.0.1:{port}", str(klass / "alice"), home=tmp_path, timeout=60)
    assert run.returncode == 2, run.stderr
    assert "did not answer as a Dask scheduler" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("address", ["local:0", "local:two", "somewhere", "tcp://host"])
def test_a_malformed_scheduler_address_is_a_usage_error(address, tmp_path):
    run = dltutor("grade", "--scheduler", address, str(tmp_path), home=tmp_path, timeout=60)
    assert run.returncode == 2
    assert "--scheduler" in run.stderr
