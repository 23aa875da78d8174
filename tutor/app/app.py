"""`DLTutorApp`: wiring only. It owns the learner's `Session`, shows the course map first,
turns what screens say the learner chose (`LessonSelected`, `ExerciseSelected`, ...) into screen
changes, and puts every key binding in the command palette.

The screen stack stays shallow and predictable: course map, then at most one lesson, then at most
one exercise (plus dialogs). Screens other than the map are imported when first opened, so the
map appears fast; nothing here imports torch (the grader runs in its own process)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tutor.app.commands import CourseCommands
from tutor.app.messages import ExerciseSelected, ExperimentSelected, LessonSelected
from tutor.app.screens.course_map import CourseMapScreen, training_screen_available
from tutor.grading.client import Grader
from tutor.session import Session


class DLTutorApp(App[None]):
    """The tutor: course map, lessons, quizzes and exercises for one learner's session."""

    TITLE = "dltutor"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CourseCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="How the tutor works, and every key"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False,
                tooltip="Quit (your files are saved first)"),
    ]

    def __init__(self, session: Session, *, close_session: bool = True,
                 watch_interval: float = 0.5) -> None:
        """`close_session`: close the session (its grader and progress store) when the app
        exits; tests that share one grader between apps pass False. `watch_interval`: seconds
        between two looks at the exercise file."""
        super().__init__()
        self.session = session
        self.close_session = close_session
        self.watch_interval = watch_interval

    def get_default_screen(self) -> Screen:
        return CourseMapScreen(self.session)

    grader_state: reactive[str] = reactive("idle")
    """idle | starting | ready | failed: the grading worker, started in the background as soon
    as the map is up. Screens watch it to say "starting the grader" instead of a bare
    "checking…" while the first check waits for PyTorch to load."""

    grader_since: float = 0.0
    """When the grader was started (time.monotonic()), for the seconds shown while it warms."""

    def on_mount(self) -> None:
        # Start the grading worker now (`dltutor` has already spawned it with the process): its
        # start-up (numpy, torch: seconds) overlaps with the learner reading, so the first check
        # is already warm.
        if self.session.course.exercises:
            self._start_grader()

    def _start_grader(self) -> None:
        self.grader_since = self.grader_since or time.monotonic()
        try:
            grader = self.session.grader  # spawns the worker; returns at once
        except OSError as exc:  # the check itself will report it again, with context
            self.grader_state = "failed"
            self.notify(f"The grader could not start: {exc}", severity="error")
            return
        self.grader_state = "starting"
        self._wait_for_grader(grader)

    @work(thread=True, group="grader", exit_on_error=False)
    def _wait_for_grader(self, grader: Grader) -> None:
        """Blocks (in a thread) until the worker has loaded PyTorch and said it is ready."""
        grader.wait_ready()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "grader":
            return
        if event.state is WorkerState.SUCCESS:
            self.grader_state = "ready"
        elif event.state is WorkerState.ERROR:
            self.grader_state = "failed"  # a check retries the start and reports why it failed

    def on_unmount(self) -> None:
        # Kills the grader (and a check in flight) so quitting mid-check leaves no process.
        if self.close_session:
            self.session.close()

    # -- navigation -------------------------------------------------------------------------------

    def _pop_to_map(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def on_lesson_selected(self, message: LessonSelected) -> None:
        from tutor.app.screens.lesson import LessonScreen

        lesson = self.session.course.lesson(message.lesson_id)
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if isinstance(below, LessonScreen) and below.lesson.id == lesson.id:
            self.pop_screen()  # from an exercise back to the lesson it came from
            if message.section:
                below.goto_section(message.section)
            return
        if isinstance(self.screen, LessonScreen):
            self.switch_screen(LessonScreen(self.session, lesson, section=message.section))
            return
        self._pop_to_map()
        self.push_screen(LessonScreen(self.session, lesson, section=message.section))

    def on_exercise_selected(self, message: ExerciseSelected) -> None:
        from tutor.app.screens.exercise import ExerciseScreen
        from tutor.app.screens.lesson import LessonScreen

        exercise = self.session.course.exercise(message.exercise_id)
        screen = ExerciseScreen(self.session, exercise, watch_interval=self.watch_interval)
        if isinstance(self.screen, ExerciseScreen):
            self.switch_screen(screen)
        elif isinstance(self.screen, (LessonScreen, CourseMapScreen)):
            self.push_screen(screen)
        else:
            self._pop_to_map()
            self.push_screen(screen)

    def on_experiment_selected(self, message: ExperimentSelected) -> None:
        if not training_screen_available():
            self.notify(f"Training runs are not in the app yet: run  dltutor train "
                        f"{message.experiment}  in a terminal.", title="Training", timeout=8)
            return
        from tutor.app.screens.training import TrainingScreen  # type: ignore[import-not-found]

        self.push_screen(TrainingScreen(message.experiment))

    # -- help and the command palette ---------------------------------------------------------

    def action_help(self) -> None:
        from tutor.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(str(self.session.workspace.root)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every binding of the current screen, so each action
        can be found by name."""
        yield from super().get_system_commands(screen)
        seen: set[str] = {"quit"}
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            if not enabled or not binding.description or binding.system:
                continue
            if binding.action in seen or binding.action.startswith("app.focus"):
                continue
            seen.add(binding.action)
            keys = self.get_key_display(binding)
            yield SystemCommand(binding.description, f"{tooltip or binding.tooltip or ''} ({keys})",
                                partial(self.run_action, binding.action, node))
