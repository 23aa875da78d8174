"""The exercise screen, driven headlessly with Pilot: type a solution and see it pass, a wrong one
and see the diagnosis, hints, the solution and reset behind confirmations, an external edit
re-checked, a timeout that leaves the UI usable, and broken files that never crash the app.

Every wait is bounded (`wait_until`) and nothing asserts how long anything took."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from rich.console import Console

from tutor.app.messages import ExerciseSelected
from tutor.app.screens.confirm import ConfirmScreen
from tutor.app.screens.exercise import ExerciseScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.solution import SolutionScreen
from tutor.app.widgets.course_outline import CourseOutline
from tutor.app.widgets.hint_list import HintList
from tutor.app.widgets.result_panel import ResultPanel
from tutor.grading.results import Verdict
from tutor.progress import ExerciseStatus

SOLUTION_LINES = ["import numpy as np", "def relu_backward(dout, x):",
                  "    return np.where(x > 0, dout, 0.0)"]
WRONG = '''import numpy as np


def relu_backward(dout, x):
    print("[bold green]PASSED[/] \\x1b[32mfake verdict")
    return dout * (x >= 0)
'''
WRONG_LINES = ["import numpy as np", "def relu_backward(dout, x):",
               "    print('[bold green]PASSED[/] fake verdict')",
               "    return dout * (x >= 0)"]
SOLUTION = Path(__file__).resolve().parent.parent / "solutions" / "relu_backward.py"


def text_of(widget) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as plain text."""
    content = widget.content
    if hasattr(content, "plain"):
        return str(content.plain)
    console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
    console.print(content)
    return " ".join(console.export_text().split())  # wrapping must not split a phrase


def result_text(screen: ExerciseScreen) -> str:
    return text_of(screen.query_one(ResultPanel).body)


async def open_exercise(app, pilot, wait_until, exercise_id: str = "relu_backward"):  # type: ignore[no-untyped-def]
    app.post_message(ExerciseSelected(exercise_id))
    await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen)
                     and app.screen.exercise.id == exercise_id, "the exercise screen")
    await pilot.pause()
    return app.screen


async def type_lines(pilot, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Type `lines` as a learner does: the editor indents after Enter (these lines only go one
    level deeper after a colon), so the leading blanks are not typed."""
    keys: list[str] = []
    for i, line in enumerate(lines):
        if i:
            keys.append("enter")
        keys.extend(line.lstrip())
    await pilot.press(*keys)


def test_open_lesson_move_to_exercise_type_solution_and_pass(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        course = app.session.course
        lesson = course.lesson(course.exercises["relu_backward"].lesson_id)
        number = lesson.exercises.index("relu_backward") + 1
        async with app.run_test(size=(100, 30)) as pilot:
            outline = app.screen.query_one(CourseOutline)
            assert outline.highlight_id(f"lesson:{lesson.id}")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen), "the lesson")
            await pilot.press(str(number))
            await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen), "exercise")
            screen = app.screen
            assert screen.exercise.id == "relu_backward"
            assert screen.editor.has_focus
            await pilot.press("f7")  # select all: typing replaces the starter
            await type_lines(pilot, SOLUTION_LINES)
            assert screen.dirty
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen.last_result is not None, "the check")
            await pilot.pause()
            assert screen.last_result.verdict is Verdict.PASS
            assert "PASSED" in result_text(screen)
            assert not screen.dirty  # checking saved the file first
            saved = app.session.workspace.path(screen.exercise).read_text()
            assert "np.where(x > 0, dout, 0.0)" in saved
            assert app.session.progress.status("relu_backward") is ExerciseStatus.PASSED

    asyncio.run(scenario())


def test_wrong_solution_shows_diagnosis_and_output_as_plain_text(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            await pilot.press("f7")  # select all, then type over the starter
            await type_lines(pilot, WRONG_LINES)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen.last_result is not None, "the check")
            await pilot.pause()
            result = screen.last_result
            assert result.verdict is Verdict.FAIL
            assert result.mistake == "ge_instead_of_gt"
            shown = result_text(screen)
            assert "FAILED" in shown and "Likely mistake" in shown
            assert "exactly 0" in " ".join(shown.split())  # the diagnosis sentence
            # The learner's print is shown verbatim, never as markup or escape codes.
            assert "[bold green]PASSED[/] fake verdict" in shown
            assert screen.query_one("TabbedContent").active == "result"
            assert app.session.progress.status("relu_backward") is ExerciseStatus.ATTEMPTED

    asyncio.run(scenario())


def test_hints_unlock_one_at_a_time_and_h_is_typed_in_the_editor(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            hints = screen.query_one(HintList)
            assert screen.editor.has_focus
            before = screen.editor.text
            await pilot.press("h")  # in the editor, h is a letter
            assert len(screen.editor.text) == len(before) + 1
            assert screen.editor.text.count("h") == before.count("h") + 1
            assert app.session.progress.hints_shown("relu_backward") == 0
            await pilot.press("ctrl+t")
            assert app.session.progress.hints_shown("relu_backward") == 1
            assert [h.number for h in hints.hints] == [1]
            assert screen.query_one("TabbedContent").active == "hints"
            await pilot.press("escape")  # leave the editor: now the plain keys work
            assert not screen.editor.has_focus
            await pilot.press("h")
            assert [h.number for h in hints.hints] == [1, 2]
            assert "Hint 2 of" in text_of(hints.query_one("#hint-body"))

    asyncio.run(scenario())


def test_solution_needs_a_real_attempt_and_a_confirmation(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            await pilot.press("ctrl+o")  # no attempt yet: refused, no dialog
            await pilot.pause()
            assert app.screen is screen
            screen.editor.text = WRONG
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen.last_result is not None, "the check")
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("n")
            await wait_until(pilot, lambda: app.screen is screen, "back to the exercise")
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("y")
            await wait_until(pilot, lambda: isinstance(app.screen, SolutionScreen), "solution")
            assert app.screen.source == SOLUTION.read_text()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, "back to the exercise")

    asyncio.run(scenario())


def test_reset_asks_first_and_keeps_a_backup(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            screen.editor.text = WRONG
            await pilot.press("ctrl+s")
            path = app.session.workspace.path(screen.exercise)
            assert path.read_text() == WRONG
            await pilot.press("ctrl+g")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("escape")  # cancel: nothing changes
            await wait_until(pilot, lambda: app.screen is screen, "back")
            assert path.read_text() == WRONG
            await pilot.press("ctrl+g")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("y")
            await wait_until(pilot, lambda: app.screen is screen, "back")
            starter = screen.exercise.starter_path.read_text()
            assert path.read_text() == starter
            assert screen.editor.text == starter
            assert path.with_suffix(".py.bak").read_text() == WRONG

    asyncio.run(scenario())


def test_external_edit_is_loaded_and_rechecked(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            assert screen.last_result is None
            # The learner saves the file from their own editor.
            app.session.workspace.path(screen.exercise).write_text(SOLUTION.read_text())
            await wait_until(pilot, lambda: screen.last_result is not None, "the re-check")
            assert screen.last_result.verdict is Verdict.PASS
            assert screen.editor.text == SOLUTION.read_text()
            assert not screen.dirty

    asyncio.run(scenario())


def test_external_edit_never_overwrites_unsaved_edits(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            screen.editor.text = WRONG  # unsaved, in the app
            path = app.session.workspace.path(screen.exercise)
            path.write_text(SOLUTION.read_text())
            await wait_until(pilot, lambda: screen.disk_conflict, "the warning")
            assert screen.editor.text == WRONG
            assert screen.last_result is None

    asyncio.run(scenario())


def test_infinite_loop_times_out_while_the_ui_stays_responsive(tutor_app, mini_course,
                                                               wait_until) -> None:
    from dataclasses import replace

    # 8 s for the loop rather than the exercise's 2 s: on a machine under heavy load, the key
    # presses below must still land while the check runs (it failed once at load 10 with 2 s)
    slow = replace(mini_course.exercises["double_it"], timeout=8.0)
    course = replace(mini_course, exercises={**mini_course.exercises, "double_it": slow})

    async def scenario() -> None:
        app = tutor_app(course=course)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until, "double_it")
            screen.editor.text = "def double_it(x):\n    while True:\n        pass\n"
            await pilot.press("ctrl+r")
            assert screen.checking
            # While the learner's loop spins (in the grader's sandbox), the app answers keys.
            await pilot.press("ctrl+t")
            assert [h.number for h in screen.query_one(HintList).hints] == [1]
            await pilot.press("f2")
            assert screen.query_one("TabbedContent").active == "task"
            assert screen.checking  # the 8 s timeout has not been reached yet
            await wait_until(pilot, lambda: screen.last_result is not None, "the timeout")
            await pilot.pause()
            assert screen.last_result.verdict is Verdict.TIMEOUT
            assert "TIMED OUT" in result_text(screen)
            assert not screen.checking
            await pilot.press("f4")  # still responsive afterwards
            assert screen.query_one("TabbedContent").active == "hints"

    asyncio.run(scenario())


def test_broken_exercise_shows_a_message_instead_of_crashing(tutor_app, mini_course,
                                                             wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app(course=mini_course)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until, "broken_check")
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: not screen.checking, "the check")
            await pilot.pause()
            panel = screen.query_one(ResultPanel)
            assert panel.state == "error"
            assert "broken on purpose" in result_text(screen)
            assert app.is_running
            await pilot.press("escape", "escape")  # leave the editor, then the screen
            await wait_until(pilot, lambda: not isinstance(app.screen, ExerciseScreen), "map")

    asyncio.run(scenario())


def test_unreadable_workspace_files_show_a_message(tutor_app, wait_until, tmp_path) -> None:
    async def scenario() -> None:
        app = tutor_app()
        ws = app.session.workspace
        course = app.session.course
        ws.path(course.exercises["relu_backward"]).write_bytes(b"\xff\xfe not utf-8 \x00")
        ws.path(course.exercises["relu_backward"]).chmod(0o644)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            assert screen.file_error is not None and "not UTF-8" in screen.file_error
            assert screen.editor.read_only
            assert "cannot be opened" in result_text(screen)
            await pilot.press("ctrl+r", "ctrl+s")  # refused with a notice, not a crash
            assert not screen.checking
            assert app.is_running
        # A folder where the file should be: reading it fails with an OS error.
        sigmoid = next(e for e in course.ordered_exercises() if e.id != "relu_backward")
        ws.path(sigmoid).mkdir()
        app2 = tutor_app(workspace=ws.root)
        async with app2.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app2, pilot, wait_until, sigmoid.id)
            assert screen.file_error is not None and "Cannot read" in screen.file_error

    asyncio.run(scenario())


def test_leaving_the_screen_saves_unsaved_edits(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            await pilot.press("#", " ", "n", "o", "t", "e")
            assert screen.dirty
            await pilot.press("escape", "escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExerciseScreen), "map")
            path = app.session.workspace.path(screen.exercise)
            assert path.read_text().startswith("# note")

    asyncio.run(scenario())


def test_exercise_screen_fits_80x24_and_f8_cycles_the_layout(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            tabs = screen.query_one("#ex-tabs")
            editor = screen.editor
            footer = screen.query_one("Footer")
            assert tabs.region.width >= 30 and editor.region.width >= 40
            assert tabs.region.right <= editor.region.x  # side by side
            assert footer.region.y == 23 and editor.region.bottom <= 23
            await pilot.press("f8")  # task/result/hints alone
            await pilot.pause()
            assert tabs.region.width == 80 and editor.region.width == 0
            await pilot.press("f8")  # editor alone
            await pilot.pause()
            assert editor.region.width >= 78 and editor.has_focus
            await pilot.press("f8")  # side by side again
            await pilot.pause()
            assert tabs.region.width >= 30 and editor.region.width >= 40

    asyncio.run(scenario())
