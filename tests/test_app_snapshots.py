"""What the learner sees, locked as SVG snapshots (pytest-textual-snapshot): the course map, a
lesson, the exercise screen after a failed check at 80×24 and 100×30, and the training screen
in the middle of a run.

A change to any of these screens shows up here as a diff to look at (`pytest --snapshot-update`
rewrites the snapshots once the change is meant; the report's HTML shows both pictures).

What would differ from run to run is pinned, never masked in the picture: the check's duration is
set to a fixed figure after a real check, cursors do not blink, and the training run is a fixed
stream of events (the run process itself is tested elsewhere). None of these screens shows the
workspace's path."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_app_exercise import WRONG, open_exercise
from tutor.app.messages import LessonSelected
from tutor.app.widgets.result_panel import ResultPanel


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def make_app(tutor_app, workspace):
    return lambda: tutor_app(workspace=workspace)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the screen finish laying out, with blinking cursors held still (on)."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("TextArea, Input"):
        if isinstance(widget, (TextArea, Input)):
            widget.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_course_map(snap_compare, make_app, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=_settle)


def test_a_lesson(snap_compare, make_app, wait_until) -> None:
    async def open_lesson(pilot) -> None:  # type: ignore[no-untyped-def]
        from tutor.app.screens.lesson import LessonScreen

        pilot.app.post_message(LessonSelected(pilot.app.session.course.lessons[2].id))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LessonScreen), "the lesson")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=open_lesson)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_the_exercise_screen_after_a_failed_check(snap_compare, make_app, wait_until,
                                                  workspace, size) -> None:
    app = make_app()
    (workspace / "relu_backward.py").write_text(WRONG)

    async def fail_a_check(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await open_exercise(pilot.app, pilot, wait_until)
        screen.action_check()
        panel = screen.query_one(ResultPanel)
        await wait_until(pilot, lambda: panel.state == "done", "the check's report")
        assert panel.result is not None and not panel.result.passed
        panel.show_result(replace(panel.result, duration_ms=12.0), panel.note)  # the one
        screen.set_focus(None)  # no cursor to catch mid-blink                 # varying figure
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=fail_a_check)


# -- the training screen, mid-run -----------------------------------------------------------------

class _RecordedRun:
    """Stands in for `TrainingRun`: a fixed stream of events, then a run that goes on (mid-run)
    until the screen stops or closes it."""

    def __init__(self, request) -> None:  # type: ignore[no-untyped-def]
        self.request = request
        self._stopped = threading.Event()

    def start(self) -> _RecordedRun:
        return self

    def events(self) -> Iterator[object]:
        from tutor.training.events import Epoch, Start, Step

        yield Start(experiment=self.request.experiment, title="Spiral MLP", device="cpu",
                    device_name="CPU, 2 threads", device_reason="auto: no CUDA or MPS GPU found",
                    series=("PyTorch",), epochs=10, steps_per_epoch=20, total_steps=200,
                    batch_size=64, lr=0.1, seed=0, task="classification")
        for step in range(1, 121):
            loss = 1.1 * math.exp(-step / 40) + 0.05
            acc = 1 - 0.66 * math.exp(-step / 35)
            yield Step(series="PyTorch", epoch=(step - 1) // 20 + 1, step=step, loss=loss,
                       acc=acc, samples_per_s=6400.0, elapsed_s=step / 20, eta_s=(200 - step) / 20)
            if step % 20 == 0:
                yield Epoch(series="PyTorch", epoch=step // 20, step=step, train_loss=loss,
                            train_acc=acc, val_loss=loss * 1.1, val_acc=acc - 0.02,
                            elapsed_s=step / 20)
        self._stopped.wait(60)

    def stop(self, grace: float = 0) -> None:
        self._stopped.set()

    def close(self, grace: float = 0) -> None:
        self._stopped.set()


class _FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_the_training_screen_mid_run(snap_compare, make_app, wait_until,
                                     monkeypatch) -> None:
    import tutor.app.screens.training as training_screen
    from tutor.training import state

    monkeypatch.setattr(training_screen, "TrainingRun", _RecordedRun)
    monkeypatch.setattr(state, "time", _FrozenClock())  # elapsed time comes from the events

    async def mid_run(pilot) -> None:  # type: ignore[no-untyped-def]
        from tutor.app.screens.training import TrainingScreen

        pilot.app.push_screen(TrainingScreen("spiral_mlp"))
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TrainingScreen),
                         "the training screen")
        screen = pilot.app.screen
        await pilot.press("s")
        await wait_until(pilot, lambda: bool(screen.runs) and screen.runs[0].state.step >= 120,
                         "the recorded events")
        await _settle(pilot)
        await pilot.pause(0.3)  # one redraw tick (the screen redraws at a fixed rate)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=mid_run)
