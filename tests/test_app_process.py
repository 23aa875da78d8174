"""The app as a process: it never imports torch (the grader's worker does), quitting mid-check
leaves no process behind, and `dltutor` with no command (or only options) opens it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor.app.app import DLTutorApp
from tutor.app.messages import ExerciseSelected
from tutor.app.screens.exercise import ExerciseScreen
from tutor.progress import ProgressStore
from tutor.session import Session
from tutor.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent

CHECK_IN_THE_APP = r'''
import asyncio, sys
from pathlib import Path
from tutor.app.app import DLTutorApp
from tutor.app.messages import ExerciseSelected
from tutor.session import Session

async def main():
    session = Session.open(Path(sys.argv[1]))
    app = DLTutorApp(session)
    async with app.run_test() as pilot:
        print("TORCH_AFTER_START", "torch" in sys.modules)
        app.post_message(ExerciseSelected("relu_backward"))
        while type(app.screen).__name__ != "ExerciseScreen":
            await pilot.pause(0.05)
        screen = app.screen
        screen.editor.text = Path(sys.argv[2]).read_text()
        await pilot.press("ctrl+r")
        for _ in range(3000):
            if screen.last_result is not None:
                break
            await pilot.pause(0.05)
        print("VERDICT", screen.last_result.verdict.value)
        print("TORCH_AFTER_CHECK", "torch" in sys.modules)

asyncio.run(main())
'''


def test_the_ui_process_never_imports_torch(tmp_path: Path) -> None:
    """In a fresh interpreter (this test process may have torch loaded by other tests)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", CHECK_IN_THE_APP, str(tmp_path / "ws"),
         str(REPO / "solutions" / "relu_backward.py")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=280, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.split("\n")
    assert "TORCH_AFTER_START False" in lines
    assert "VERDICT pass" in lines  # a real check ran, in the grader's worker
    assert "TORCH_AFTER_CHECK False" in lines


@pytest.mark.parametrize("module", ["tutor.app.app", "tutor.app.screens.exercise",
                                    "tutor.app.screens.lesson", "tutor.app.screens.quiz",
                                    "tutor.app.screens.help", "tutor.app.screens.history",
                                    "tutor.app.standing", "tutor.commands.tui_cmd"])
def test_app_modules_do_not_import_torch(module: str) -> None:
    code = f"import sys, {module}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def descendants(root: int) -> set[int]:
    """Live processes below `root` (Linux /proc), zombies excluded."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if fields and fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    frontier = [root]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, []) if c not in found]
        found.update(frontier)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return state[state.rfind(b")") + 2:].split()[0] != b"Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_quitting_mid_check_leaves_no_process_behind(mini_course, tmp_path, wait_until) -> None:
    """A learner's loop that sleeps (so no CPU limit would ever end it) is checking when the
    learner quits: the worker, its zygote and the sandboxed child must all be gone."""
    ws = Workspace.open(tmp_path / "ws")
    session = Session(mini_course, ws, ProgressStore(ws.progress_path))  # its own grader
    app = DLTutorApp(session)  # closes the session (and the grader) when it exits
    before = descendants(os.getpid())
    started: set[int] = set()

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            app.post_message(ExerciseSelected("double_it"))
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            screen = app.screen
            screen.editor.text = ("import time\n\ndef double_it(x):\n    while True:\n"
                                  "        time.sleep(0.05)\n")
            await pilot.press("ctrl+r")
            # worker + zygote + the child running the learner's code
            await wait_until(pilot, lambda: len(descendants(os.getpid()) - before) >= 3,
                             "the sandboxed child")
            started.update(descendants(os.getpid()) - before)
            assert screen.checking
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in started if alive(pid)]


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[DLTutorApp]:
    """Apps that `dltutor` would have run (run() is replaced: no terminal needed)."""
    apps: list[DLTutorApp] = []
    monkeypatch.setattr(DLTutorApp, "run", lambda self, *a, **k: apps.append(self))
    return apps


def test_dltutor_with_no_command_opens_the_app(launched, isolated_home: Path) -> None:
    from tutor.cli import main

    assert main([]) == 0
    assert launched[0].session.workspace.root == isolated_home.resolve()


def test_dltutor_with_only_options_opens_the_app(launched, tmp_path: Path) -> None:
    from tutor.cli import main

    pack = REPO / "tests" / "data" / "mini_course"
    assert main(["--workspace", str(tmp_path / "mine"), "--pack", str(pack)]) == 0
    session = launched[0].session
    assert session.workspace.root == (tmp_path / "mine").resolve()
    assert "double_it" in session.course.exercises
    assert main(["tui", "--workspace", str(tmp_path / "other")]) == 0
    assert launched[1].session.workspace.root == (tmp_path / "other").resolve()


def test_dltutor_tui_reports_a_missing_pack(launched, tmp_path: Path, capsys) -> None:
    from tutor.cli import main

    assert main(["--pack", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not launched
