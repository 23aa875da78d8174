"""`tutor.atomic.write_atomic` and the report paths `dltutor grade` writes with it: a symlink or a
FIFO planted at a report path is replaced (never followed, never opened), a directory there is a
clear error, and a failure half-way leaves the old file as it was and no temporary file behind."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.atomic import write_atomic

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
VICTIM_BYTES = b"precious data that is not a report\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_writes_text_and_bytes_with_the_usual_mode(tmp_path):
    write_atomic(tmp_path / "a.txt", "héllo\n")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_bytes() == "héllo\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o666 & ~_umask()
    write_atomic(tmp_path / "secret", "s", mode=0o600)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600
    assert _leftovers(tmp_path, {"a.txt", "b.bin", "secret"}) == []


def test_a_symlink_at_the_path_is_replaced_and_its_target_untouched(tmp_path):
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_bytes(VICTIM_BYTES)
    os.chmod(victim, 0o640)
    before = victim.stat()
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    write_atomic(link, '{"report": true}\n')
    assert victim.read_bytes() == VICTIM_BYTES
    after = victim.stat()
    assert (after.st_mode, after.st_mtime_ns, after.st_size) == \
        (before.st_mode, before.st_mtime_ns, before.st_size)
    assert not link.is_symlink() and stat.S_ISREG(link.lstat().st_mode)
    assert link.read_text() == '{"report": true}\n'


def test_a_dangling_symlink_is_replaced_without_creating_its_target(tmp_path):
    target = tmp_path / "would-be-created"
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    write_atomic(link, "a,b\n")
    assert not target.exists() and link.read_text() == "a,b\n" and not link.is_symlink()


def test_a_fifo_at_the_path_is_replaced_without_blocking(tmp_path):
    fifo = tmp_path / "results.json"
    os.mkfifo(fifo)
    # in a child process, so that a regression hangs one subprocess (killed by the timeout),
    # never the test run
    code = ("import sys; from tutor.atomic import write_atomic; "
            "write_atomic(sys.argv[1], 'done\\n')")
    out = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True,
                         text=True, timeout=30, check=False,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    assert stat.S_ISREG(fifo.lstat().st_mode) and fifo.read_text() == "done\n"


def test_a_directory_at_the_path_is_a_clear_error(tmp_path):
    folder = tmp_path / "report.xml"
    folder.mkdir()
    (folder / "inside").write_text("kept")
    with pytest.raises(IsADirectoryError) as info:
        write_atomic(folder, "<xml/>")
    assert info.value.errno == errno.EISDIR and "is a directory" in str(info.value)
    assert (folder / "inside").read_text() == "kept"
    assert _leftovers(tmp_path, {"report.xml"}) == []


def test_a_missing_folder_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "such" / "file.txt", "x")
    assert _leftovers(tmp_path, set()) == []


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     KeyboardInterrupt()])
def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch,
                                                                        failure):
    path = tmp_path / "grades.csv"
    path.write_bytes(b"old report\n")
    real_write = os.write
    calls = []

    def write_then_fail(fd, data):
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, bytes(data[:5]))  # half of it lands, then the disk is full
        raise failure

    monkeypatch.setattr(os, "write", write_then_fail)
    with pytest.raises(type(failure)):
        write_atomic(path, "new report, much longer than the old one\n")
    monkeypatch.undo()
    assert len(calls) == 2
    assert path.read_bytes() == b"old report\n"
    assert _leftovers(tmp_path, {"grades.csv"}) == []


def test_a_failed_rename_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "junit.xml"
    path.write_text("old")

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert _leftovers(tmp_path, {"junit.xml"}) == []


# -- `dltutor grade --output/--also` ------------------------------------------------------------


def test_grade_replaces_a_planted_symlink_and_fifo_and_leaves_the_victim_alone(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM_BYTES)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "grades.json").symlink_to(victim)  # what a hostile repository could ship
    os.mkfifo(reports / "grades.csv")  # nobody ever reads it: a plain open() blocks forever
    set_file = tmp_path / "set.toml"
    set_file.write_text(f'title = "t"\npacks = [{json.dumps(str(DATA / "pack"))}]\n'
                        '[[exercises]]\nid = "square"\npoints = 5\n')
    env = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-m", "tutor", "grade", "--set", str(set_file),
         str(DATA / "submissions" / "alice"), "--format", "json",
         "--output", str(reports / "grades.json"), "--also", f"csv={reports / 'grades.csv'}",
         "--jobs", "1"],
        capture_output=True, text=True, env=env, timeout=240, check=False)
    assert out.returncode == 0, out.stderr
    assert victim.read_bytes() == VICTIM_BYTES
    for name in ("grades.json", "grades.csv"):
        assert stat.S_ISREG((reports / name).lstat().st_mode), name
    assert json.loads((reports / "grades.json").read_text())["submissions"][0]["score"] == 5.0
    assert (reports / "grades.csv").read_text().splitlines()[1] == "alice,5,5,5"
    assert _leftovers(reports, {"grades.json", "grades.csv"}) == []


def test_grade_reports_a_directory_at_the_output_path(tmp_path):
    (tmp_path / "out.json").mkdir()
    set_file = tmp_path / "set.toml"
    set_file.write_text(f'title = "t"\npacks = [{json.dumps(str(DATA / "pack"))}]\n'
                        '[[exercises]]\nid = "square"\n')
    env = {k: v for k, v in os.environ.items() if not k.endswith("_SEED")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-m", "tutor", "grade", "--set", str(set_file),
         str(DATA / "submissions" / "alice"), "--format", "json", "--output",
         str(tmp_path / "out.json"), "--jobs", "1"],
        capture_output=True, text=True, env=env, timeout=240, check=False)
    assert out.returncode == 2
    assert "cannot write" in out.stderr and "is a directory" in out.stderr
    assert "Traceback" not in out.stderr
