"""The training screen, driven headlessly with Pilot: opened from the app's ExperimentSelected,
a run started and drawn live, a second one overlaid and stopped, the learner's wrong code refused
with the check's verdict, and leaving the screen ends the run process. The UI never loads torch.

Every wait is bounded (`wait_until`) and nothing asserts how long anything took."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from tutor.app.messages import ExperimentSelected
from tutor.app.screens.training import TrainingScreen

REPO = Path(__file__).resolve().parent.parent


def text_of(screen: TrainingScreen, selector: str) -> str:
    console = Console(width=140, record=True, file=io.StringIO(), color_system=None)
    console.print(screen.query_one(selector).content)
    return console.export_text()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] == "Z"


async def open_training(app, pilot, wait_until, experiment: str = "spiral_mlp") -> TrainingScreen:  # type: ignore[no-untyped-def]
    app.post_message(ExperimentSelected(experiment))
    await wait_until(pilot, lambda: isinstance(app.screen, TrainingScreen), "the training screen")
    await pilot.pause()
    return app.screen


def test_start_watch_overlay_and_stop(tutor_app, wait_until):
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(140, 50)) as pilot:
            screen = await open_training(app, pilot, wait_until)
            assert screen.experiment == "spiral_mlp"
            await pilot.press("s")
            await wait_until(pilot, lambda: screen.runs and screen.runs[0].done, "the first run")
            first = screen.runs[0].state
            assert first.end is not None and first.end.status == "finished", first.end
            await pilot.pause(0.3)
            charts = text_of(screen, "#train-charts")
            assert "training loss" in charts and any(0x2800 < ord(c) <= 0x28FF for c in charts)
            assert "Finished" in text_of(screen, "#train-extra")
            assert "#1 spiral_mlp finished" in text_of(screen, "#train-runs")

            # a second run at twice the learning rate, overlaid on the first, stopped mid-way
            await pilot.press("plus", "s")
            await wait_until(pilot, lambda: len(screen.runs) == 2 and screen.runs[1].state.step > 0,
                             "the second run's first steps")
            second = screen.runs[1]
            assert second.lr == 0.02
            await pilot.press("x")
            await wait_until(pilot, lambda: second.done, "the stopped run")
            assert second.state.end is not None and second.state.end.status == "stopped"
            assert second.state.start is not None and gone(second.state.start.pid)
            await pilot.pause(0.3)
            legend = text_of(screen, "#train-charts")
            assert "#1:pytorch" in legend and "#2:pytorch" in legend
            await pilot.press("c")
            assert screen.runs == []

    asyncio.run(scenario())


def test_wrong_learner_code_is_refused_with_the_verdict(tutor_app, wait_until, tmp_path):
    async def scenario() -> None:
        ws = tmp_path / "ws"
        ws.mkdir()
        shutil.copyfile(REPO / "exercises" / "relu_backward" / "mistakes" / "ge_instead_of_gt.py",
                        ws / "relu_backward.py")
        app = tutor_app(workspace=ws)
        async with app.run_test(size=(140, 50)) as pilot:
            screen = await open_training(app, pilot, wait_until)
            while screen.choices.mine != "relu_backward":
                await pilot.press("m")
            await pilot.press("s")
            await wait_until(pilot, lambda: "Not training" in text_of(screen, "#train-extra"),
                             "the refusal")
            extra = text_of(screen, "#train-extra")
            assert "FAILED" in extra and "relu_backward" in extra
            assert screen.runs == []  # nothing was started

    asyncio.run(scenario())


def test_leaving_the_screen_ends_the_run(tutor_app, wait_until):
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(140, 50)) as pilot:
            screen = await open_training(app, pilot, wait_until, "digits_lenet")
            await pilot.press("s")
            await wait_until(pilot, lambda: screen.runs and screen.runs[0].state.start is not None,
                             "the run to start")
            pid = screen.runs[0].state.start.pid
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, TrainingScreen), "going back")
            await wait_until(pilot, lambda: gone(pid), "the run process to end")

    asyncio.run(scenario())


def test_the_training_screen_never_loads_torch():
    code = ("import sys, tutor.app.screens.training, tutor.app.app; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
