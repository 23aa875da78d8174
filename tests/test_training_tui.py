"""The training screen, driven headlessly with Pilot: opened from the app's ExperimentSelected,
a run started and drawn live, a second one overlaid and stopped, the learner's wrong code refused
with the check's verdict, several of their exercises combined in one run, the run history naming
each series' figure, the device key offering only devices that exist, all seven experiments in
view at 80x24, the training-health panel's symptom lines opening their lesson section, charts re-laid out on resize, and leaving the screen ends the run process. The UI
never loads torch.

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
from tutor.training import registry

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


async def tick(pilot, screen: TrainingScreen, *values: str) -> None:  # type: ignore[no-untyped-def]
    """In the open "your code" list: move to each value and press space (the list comes from the
    course: `all`, then the fitting exercises in course order)."""
    from textual.widgets import SelectionList

    picker = screen.query_one("#train-mine", SelectionList)
    for value in values:
        picker.highlighted = next(i for i in range(picker.option_count)
                                  if picker.get_option_at_index(i).value == value)
        await pilot.press("space")


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
            # the panels redraw on the app's next refresh: wait for it (a loaded machine is slow)
            await wait_until(pilot, lambda: "Finished" in text_of(screen, "#train-extra"),
                             "the finished run's panel")
            charts = text_of(screen, "#train-charts")
            assert "training loss" in charts and any(0x2800 < ord(c) <= 0x28FF for c in charts)
            runs = text_of(screen, "#train-runs")
            assert "#1 spiral_mlp finished" in runs and "held-out acc: " in runs

            # a second run at twice the learning rate, overlaid on the first, stopped mid-way
            # (long enough that the stop always lands before its end: 60 epochs take 0.6 s)
            screen.epochs = 5000
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
            await pilot.press("m")
            await tick(pilot, screen, "relu_backward")
            await pilot.press("m")
            assert screen.choices.mine == ("relu_backward",)
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


def test_m_combines_exercises_as_use_mine_does_and_all_seven_experiments_show(tutor_app,
                                                                           wait_until):
    from textual.widgets import OptionList, SelectionList

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_training(app, pilot, wait_until)
            experiments = screen.query_one("#train-list", OptionList)
            assert experiments.option_count == len(registry.EXPERIMENTS) == 7
            assert experiments.max_scroll_y == 0
            assert experiments.content_region.height >= 7  # all seven in view at 80x24
            picker = screen.query_one("#train-mine", SelectionList)
            assert not picker.display
            await pilot.press("m")
            assert picker.display and app.focused is picker
            values = [picker.get_option_at_index(i).value for i in range(picker.option_count)]
            assert values[0] == "all"  # then what fits spiral_mlp, from the course, in its order
            assert {"relu_backward", "adam_step", "linear_backward"} <= set(values)
            assert "conv2d_forward" not in values and "lstm_cell" not in values
            await tick(pilot, screen, "adam_step", "relu_backward")
            assert screen.choices.mine == ("relu_backward", "adam_step")  # in course order
            await tick(pilot, screen, "nesterov_step")  # one optimizer at a time
            assert screen.choices.mine == ("relu_backward", "nesterov_step")
            assert "your code: relu_backward, nesterov_step" in text_of(screen, "#train-info")
            await tick(pilot, screen, "all")  # all stands alone
            assert screen.choices.mine == ("all",)
            await tick(pilot, screen, "relu_backward")
            assert screen.choices.mine == ("relu_backward",)
            await pilot.press("escape")  # closes the list, not the screen
            assert not picker.display and isinstance(app.screen, TrainingScreen)
            # optimizer_race takes every optimizer at once
            experiments.focus()
            experiments.highlighted = list(registry.EXPERIMENTS).index("optimizer_race")
            await pilot.pause()
            assert screen.experiment == "optimizer_race" and screen.choices.mine == ()
            await pilot.press("m")
            await tick(pilot, screen, "adam_step", "momentum_step", "nesterov_step")
            await pilot.press("m")
            assert screen.choices.mine == ("momentum_step", "nesterov_step", "adam_step")

    asyncio.run(scenario())


def test_your_code_from_two_exercises_trains_in_one_run(tutor_app, wait_until, tmp_path):
    async def scenario() -> None:
        ws = tmp_path / "ws"
        ws.mkdir()
        for exercise in ("adam_step", "relu_backward"):
            shutil.copyfile(REPO / "solutions" / f"{exercise}.py", ws / f"{exercise}.py")
        app = tutor_app(workspace=ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.push_screen(TrainingScreen("spiral_mlp", epochs=2,
                                                 settings=("points_per_class=60",)))
            screen = app.screen
            await pilot.press("m")
            await tick(pilot, screen, "all")  # the two files there: both pass, both train
            await pilot.press("m", "s")
            await wait_until(pilot, lambda: screen.runs and screen.runs[0].done, "the run")
            run = screen.runs[0]
            assert run.state.end is not None and run.state.end.status == "finished", run.state.end
            assert run.mine == ("relu_backward", "adam_step")
            assert run.state.start is not None
            assert run.state.start.mine == ("relu_backward", "adam_step")
            await pilot.pause(0.3)
            runs = text_of(screen, "#train-runs")
            assert "yours: relu_backward, adam_step" in runs
            # each figure named by its series, the same measure for both
            assert "held-out acc: pytorch " in runs and " · mine " in runs

    asyncio.run(scenario())


def finished_state(series: tuple[str, ...], summary: dict[str, dict[str, float | None]],
                   task: str = "classification"):  # type: ignore[no-untyped-def]
    from tutor.training.events import End, Start, Step
    from tutor.training.state import RunState

    state = RunState()
    state.apply(Start(experiment="demo", title="Demo", device="cpu", device_name="CPU",
                      device_reason="auto", series=series, epochs=1, steps_per_epoch=40,
                      total_steps=40, batch_size=8, lr=0.1, seed=0, task=task))
    for k in range(1, 41):
        for i, name in enumerate(series):
            state.apply(Step(series=name, epoch=1, step=k, loss=1.0 / (k + i),
                             acc=0.5 if task == "classification" else None))
    state.apply(End(status="finished", elapsed_s=1.0, steps=40, summary=summary))
    return state


def test_run_results_name_each_series_and_measure_them_alike():
    from tutor.app.screens.training import run_results

    both = finished_state(("pytorch", "mine"), {
        "pytorch": {"loss": 0.1, "train_loss": 0.1, "train_acc": 0.9, "val_loss": 0.2,
                    "val_acc": 0.85},
        "mine": {"loss": 0.1, "train_loss": 0.1, "train_acc": 0.9, "val_loss": 0.2,
                 "val_acc": 0.8}})
    assert run_results(both).plain == "held-out acc: pytorch 85.0% · mine 80.0%"
    # a forward-only series has no full pass: both are given on the last steps' loss
    lstm = finished_state(("pytorch", "mine (forward)"), {
        "pytorch": {"loss": 0.04, "train_loss": 0.03, "val_loss": 0.05},
        "mine (forward)": {"loss": 0.041}}, task="regression")
    assert run_results(lstm).plain == "loss, last steps: pytorch 0.0400 · mine (forward) 0.0410"
    race = finished_state(("SGD", "Adam", "RMSprop", "Adagrad"), {
        name: {"loss": 0.1, "train_loss": 0.1, "train_acc": acc}
        for name, acc in (("SGD", 0.8), ("Adam", 0.99), ("RMSprop", 0.95), ("Adagrad", 0.9))})
    assert run_results(race).plain == "train acc: best Adam 99.0% · worst SGD 80.0%"
    from tutor.training.events import Compare

    race.apply(Compare(reference="RMSprop", series="Adagrad", step=40, abs_diff=0.0,
                       max_abs_diff=0.0, tolerance=1e-6))  # as if Adagrad were the learner's
    assert run_results(race).plain == ("train acc: Adagrad 90.0% vs RMSprop 95.0% · "
                                       "best Adam 99.0% · worst SGD 80.0%")
    one = finished_state(("pytorch",), {"pytorch": {"loss": 0.1, "train_loss": 0.1,
                                                    "train_acc": 0.9}})
    assert run_results(one).plain == "train acc: 90.0%"


def test_the_device_key_offers_only_devices_that_exist(tutor_app, wait_until, monkeypatch):
    import platform

    from tutor.app.screens import training

    found = training.available_devices()
    assert found[:2] == ("auto", "cpu") and set(found) <= {"auto", "cpu", "cuda", "mps"}
    if not (sys.platform == "darwin" and platform.machine() == "arm64"):
        assert "mps" not in found
    version = Path(__import__("importlib").util.find_spec("torch").origin).parent / "version.py"
    if "cuda: Optional[str] = None" in version.read_text() and "hip: Optional[str] = None" in (
            version.read_text()):
        assert "cuda" not in found  # a CPU-only torch: no CUDA to offer

    async def scenario(devices: tuple[str, ...], expected: list[str]) -> None:
        monkeypatch.setattr(training, "available_devices", lambda: devices)
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_training(app, pilot, wait_until)
            seen = []
            for _ in expected:
                await pilot.press("d")
                seen.append(screen.choices.device)
            assert seen == expected
            assert f"device {expected[-1]}" in text_of(screen, "#train-info")

    asyncio.run(scenario(("auto", "cpu"), ["cpu", "auto", "cpu"]))
    asyncio.run(scenario(("auto", "cpu", "cuda"), ["cpu", "cuda", "auto"]))


def test_charts_re_lay_out_when_the_terminal_is_resized(tutor_app, wait_until):
    from tutor.app.screens.training import _Run

    class IdleClient:  # a finished run's client: nothing to stop
        def __init__(self) -> None:
            from tutor.training.client import RunRequest

            self.request = RunRequest(experiment="spiral_mlp")

        def close(self, grace: float = 0.0) -> None:
            pass

    state = finished_state(("pytorch",), {"pytorch": {"loss": 0.1, "train_loss": 0.1,
                                                      "train_acc": 0.9}})

    def chart_size(screen: TrainingScreen) -> tuple[int, int]:
        lines = text_of(screen, "#train-charts").rstrip("\n").splitlines()
        return len(lines), max(len(line.rstrip()) for line in lines)

    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(140, 50)) as pilot:
            screen = await open_training(app, pilot, wait_until)
            screen.runs.append(_Run(1, state, IdleClient(), None, done=True))  # type: ignore[arg-type]
            screen._dirty = True
            await pilot.pause(0.5)
            tall, wide = chart_size(screen)
            await pilot.resize_terminal(90, 26)
            await pilot.pause(0.5)
            short, narrow = chart_size(screen)
            assert short < tall and narrow < wide, (tall, wide, short, narrow)
            await pilot.resize_terminal(140, 50)
            await pilot.pause(0.5)
            assert chart_size(screen) == (tall, wide)

    asyncio.run(scenario())


def test_the_training_screen_never_loads_torch():
    code = ("import sys, tutor.app.screens.training, tutor.app.app; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.strip() == "False"
