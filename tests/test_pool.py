"""`GraderPool` (`dltutor grade --jobs N`): N workers forked from one warm parent.

What must hold: each lane grades as a worker does; the lanes share one template process (the
point: torch is imported once); the trust order is kept (each lane's light zygote has no torch
in its memory, and its torch zygote is the lane's own child); a lane that dies is replaced by a
standalone worker without touching the other lane; a dead lane's light zygote sees its EOF
(no descriptor leaked into another process keeps it alive); closing the pool leaves nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tutor.course import load_course
from tutor.grading.pool import GraderPool, Lane
from tutor.grading.proctree import descendants
from tutor.grading.results import Verdict

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def relu():
    return load_course().exercise("relu_backward")


@pytest.fixture()
def pool():
    p = GraderPool(2)
    yield p
    p.close()


def _ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        return int(fh.read().rsplit(b")", 1)[1].split()[1])


def _maps_torch(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as fh:
            return "libtorch" in fh.read()
    except PermissionError:  # zygotes are non-dumpable: only root reads their maps
        pytest.skip("reading a non-dumpable process's memory map needs root")


def _gone(pid: int, within: float = 20.0) -> bool:
    """Whether `pid` ends (or is a zombie) within `within` seconds (a generous bound: what is
    checked is that it ends at all, not how fast)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X"):
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_lanes_grade_like_a_worker_and_share_one_warm_parent(pool, relu):
    wrong = DATA / "submissions" / "bob" / "relu_backward.py"
    results = [g.check(relu, relu.solution_path) for g in pool.graders]
    assert [r.verdict for r in results] == [Verdict.PASS, Verdict.PASS]
    failed = pool.graders[1].check(relu, wrong)
    assert failed.verdict is Verdict.FAIL and failed.mistake == "ge_instead_of_gt"
    lanes = [g._proc for g in pool.graders]
    assert all(isinstance(lane, Lane) for lane in lanes)
    template = pool._template.pid
    assert len({lane.pid for lane in lanes}) == 2
    assert all(_ppid(lane.pid) == template for lane in lanes)
    for lane in lanes:
        light, torch_zygote = lane.zygotes
        assert _ppid(light) == template  # forked before torch was imported ...
        assert not _maps_torch(light)  # ... and it has none
        assert _ppid(torch_zygote) == lane.pid  # forked by the lane, before any reference
        assert _maps_torch(torch_zygote)


def test_a_dead_lane_is_replaced_and_the_other_lane_is_untouched(pool, relu):
    first, second = pool.graders
    assert first.check(relu, relu.solution_path).verdict is Verdict.PASS
    assert second.check(relu, relu.solution_path).verdict is Verdict.PASS
    lane, other = first._proc, second._proc
    assert isinstance(lane, Lane)
    light = lane.zygotes[0]
    os.kill(lane.pid, signal.SIGKILL)
    # nothing else holds the lane's pipe to its light zygote: it sees EOF and leaves
    assert _gone(light)
    result = first.check(relu, relu.solution_path)
    assert result.verdict is Verdict.PASS  # graded by a standalone worker now
    assert not isinstance(first._proc, Lane)
    assert second._proc is other and other.poll() is None
    assert second.check(relu, relu.solution_path).verdict is Verdict.PASS


def test_closing_the_pool_ends_every_process(relu):
    pool = GraderPool(2)
    for g in pool.graders:
        assert g.check(relu, relu.solution_path).verdict is Verdict.PASS
    template = pool._template.pid
    tree = [template, *descendants(template)]
    tree += [p for g in pool.graders for p in descendants(g._proc.pid)]
    assert len(tree) >= 7  # template, 2 light zygotes, 2 lanes, 2 torch zygotes (+ standbys)
    pool.close()
    assert all(_gone(pid) for pid in tree)


def test_an_unused_pool_closes_cleanly():
    pool = GraderPool(3)
    template = pool._template.pid
    pool.close()
    assert _gone(template)


def test_a_template_that_cannot_start_says_why(tmp_path):
    """The template dies before it forks a lane (say torch is broken in this environment): the
    error names its own words, not an empty lane log."""
    from tutor.grading.client import GraderError

    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'ImportError: libtorch_cpu.so: cannot open shared object "
                    "file' >&2\nexit 1\n")
    fake.chmod(0o755)
    pool = GraderPool(2, python=str(fake))
    try:
        with pytest.raises(GraderError) as err:
            pool.graders[0].wait_ready(timeout=30)
        assert "libtorch_cpu.so: cannot open shared object file" in str(err.value)
        assert "its parent process said" in str(err.value)
    finally:
        pool.close()
