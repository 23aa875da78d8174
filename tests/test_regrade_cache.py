"""The regrade cache: a re-run checks only what changed and says so, the reports are byte for byte
those of a full run, `--no-cache` checks everything, and a damaged entry is regraded."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.course import load_course
from tutor.grading.client import Grader
from tutor.grading.regrade_cache import RegradeCache, default_cache_dir, usable_with
from tutor.grading.results import CheckResult, Verdict

REPO = Path(__file__).resolve().parent.parent
PACK = REPO / "tests" / "data" / "pack"
SUBS = REPO / "tests" / "data" / "submissions"


@pytest.fixture(scope="module")
def square():
    return load_course([PACK], builtin=False).exercise("square")


def result(verdict: Verdict = Verdict.PASS, **extra) -> CheckResult:
    fields = {"exercise": "square", "verdict": verdict, "score": 1.0, "cases_passed": 2,
              "cases_total": 2, "duration_ms": 12.345678, "message": "all 2 cases passed"}
    return CheckResult(**{**fields, **extra})


# -- keys and entries ------------------------------------------------------------------------


def test_the_key_changes_with_everything_a_result_depends_on(tmp_path, square):
    cache = RegradeCache(tmp_path / "c")
    base = cache.key(square, "square.py", b"def square(x): return x * x\n", None, 5.0)
    assert base == RegradeCache(tmp_path / "c").key(square, "square.py",
                                                    b"def square(x): return x * x\n", None, 5.0)
    others = {
        cache.key(square, "square.py", b"def square(x): return x ** 2\n", None, 5.0),
        cache.key(square, "hw/square.py", b"def square(x): return x * x\n", None, 5.0),
        cache.key(square, "square.py", b"def square(x): return x * x\n", 7, 5.0),
        cache.key(square, "square.py", b"def square(x): return x * x\n", 8, 5.0),
        cache.key(square, "square.py", b"def square(x): return x * x\n", None, 2.0),
        RegradeCache(tmp_path / "c", context="partial: no mount").key(
            square, "square.py", b"def square(x): return x * x\n", None, 5.0),
    }
    assert base not in others and len(others) == 6
    # the exercise's own files: a changed check.py (its reference) changes every key
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    copy = load_course([pack], builtin=False).exercise("square")
    same = RegradeCache(tmp_path / "c").key(copy, "square.py", b"x", None, 5.0)
    check = pack / "exercises" / "square" / "check.py"
    check.write_text(check.read_text() + "\n# a fix\n")
    assert RegradeCache(tmp_path / "c").key(copy, "square.py", b"x", None, 5.0) != same


def test_entries_round_trip_exactly_and_privately(tmp_path):
    cache = RegradeCache(tmp_path / "c")
    stored = result(output="caf\u00e9 \ud800", flags=("uses np.square",))
    assert cache.put("ab" * 32, stored)
    assert cache.get("ab" * 32) == stored  # the exact duration too: the same reports
    entry = tmp_path / "c" / "ab" / f"{'ab' * 32}.json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o700
    assert cache.summary() == "regraded 0 of 1 check (1 unchanged, from the cache)"


@pytest.mark.parametrize("verdict", [Verdict.TIMEOUT, Verdict.CRASH])
def test_what_depends_on_the_machine_is_never_stored(tmp_path, verdict):
    cache = RegradeCache(tmp_path / "c")
    assert not cache.put("cd" * 32, result(verdict))
    assert not cache.put("ef" * 32, result(Verdict.ERROR, message="dltutor failed while "
                                                                    "grading this file: X"))
    assert cache.get("cd" * 32) is None and not (tmp_path / "c").exists()


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}', b"[]",
                                    b'{"format": 1, "key": "other", "result": {}}'])
def test_a_damaged_entry_is_ignored(tmp_path, damage):
    cache = RegradeCache(tmp_path / "c")
    key = "01" * 32
    cache.put(key, result())
    (tmp_path / "c" / "01" / f"{key}.json").write_bytes(damage)
    assert cache.get(key) is None and cache.corrupt == 1


def test_where_the_cache_lives_and_when_it_is_used(tmp_path):
    assert default_cache_dir({"DLTUTOR_HOME": str(tmp_path)}) == \
        tmp_path / ".dltutor" / "grade-cache"
    assert default_cache_dir({}).name == "grade"
    assert usable_with({"mount": True, "uid": False}) and usable_with({"uid": True})
    assert not usable_with({"mount": False, "uid": False, "pid": True})


def test_no_cache_reads_nothing_but_refreshes(tmp_path):
    fresh = RegradeCache(tmp_path / "c", read=False)
    fresh.put("99" * 32, result())
    assert fresh.get("99" * 32) is None
    assert RegradeCache(tmp_path / "c").get("99" * 32) == result()


# -- through `dltutor grade` -----------------------------------------------------------------


@pytest.fixture
def checks(monkeypatch):
    """How many checks the grading workers ran (every one goes through `Grader.check`)."""
    count = [0]
    real = Grader.check

    def counted(self, *args, **kwargs):
        count[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Grader, "check", counted)
    return count


def test_a_rerun_regrades_only_what_changed_with_the_same_reports(tmp_path, capsys, checks):
    hw = tmp_path / "hw.toml"
    hw.write_text(f'title = "HW"\npacks = ["{PACK}"]\ntimeout = 5\n'
                  '[[exercises]]\nid = "scale_add"\n[[exercises]]\nid = "square"\n')
    subs = tmp_path / "subs"
    for name in ("alice", "bob"):
        shutil.copytree(SUBS / name, subs / name)
    (subs / "cara").mkdir()
    (subs / "cara" / "square.py").write_text("def square(x):\n    return x * x * x\n")
    folders = [str(subs / n) for n in ("alice", "bob", "cara")]  # 4 checks, 2 files missing

    def grade(tag: str, *extra: str) -> str:
        code = main(["grade", "--set", str(hw), *folders, "--output", str(tmp_path / f"{tag}.txt"),
                     "--also", f"json={tmp_path / tag}.json", "--no-honesty", "--jobs", "2",
                     *extra])
        err = " ".join(capsys.readouterr().err.split())
        assert code == 0, err
        return err

    first = grade("full", "--no-cache")
    assert checks[0] == 4 and "regraded" not in first
    cache = tmp_path / "dltutor-home" / ".dltutor" / "grade-cache"  # DLTUTOR_HOME (conftest)
    assert len(list(cache.glob("*/*.json"))) == 4

    second = grade("cached")
    assert checks[0] == 4  # nothing checked again: no worker even started
    assert "regraded 0 of 4 checks (4 unchanged, from the cache)" in second
    for ext in ("txt", "json"):
        assert (tmp_path / f"cached.{ext}").read_bytes() == (tmp_path / f"full.{ext}").read_bytes()

    # a late fix from bob, and a damaged entry: exactly those two are checked again
    (subs / "bob" / "scale_add.py").write_text("def scale_add(x, a, b):\n    return x * a + b\n")
    victim = next(p for p in cache.glob("*/*.json") if '"exercise": "square"' in p.read_text())
    victim.write_text("{")  # alice's or cara's square
    third = grade("changed")
    assert checks[0] == 6
    assert "regraded 2 of 4 checks (2 unchanged, from the cache)" in third
    graded = {s["submission"]: s["score"]
              for s in json.loads((tmp_path / "changed.json").read_text())["submissions"]}
    before = {s["submission"]: s["score"]
              for s in json.loads((tmp_path / "full.json").read_text())["submissions"]}
    assert graded["bob"] == 10.0 and before["bob"] == 0.0
    assert graded["alice"] == before["alice"] and graded["cara"] == before["cara"]

    # new points regrade nothing; --no-cache regrades everything
    hw.write_text(hw.read_text().replace('id = "square"', 'id = "square"\npoints = 50'))
    assert "regraded 0 of 4 checks" in grade("points")
    assert checks[0] == 6
    assert json.loads((tmp_path / "points.json").read_text())["max_score"] == 60.0
    assert "regraded" not in grade("again", "--no-cache")
    assert checks[0] == 10


def test_results_are_not_reused_across_seeds(tmp_path, capsys, checks):
    hw = tmp_path / "hw.toml"
    hw.write_text(f'title = "HW"\npacks = ["{PACK}"]\ntimeout = 5\n[[exercises]]\nid = "square"\n')
    args = ["grade", "--set", str(hw), str(SUBS / "alice"), "--format", "json", "--no-honesty",
            "--cache", str(tmp_path / "c")]
    assert main(args) == 0
    public = capsys.readouterr().out
    assert main([*args, "--seed", "123456789012345678901234567890"]) == 0
    hidden = capsys.readouterr().out
    assert checks[0] == 2 and json.loads(hidden)["hidden"] and not json.loads(public)["hidden"]
