"""The learner's loop as a newcomer lives it (issue 11), driven headlessly with Pilot: the header
and the map tell the truth after a passing file breaks, the last report shows when an exercise
opens again, the first check says the grader is starting, formulas are never silently clipped,
the editor indents Python, Esc always leaves it, every key of the exercise screen can be found
at 80×24, and kept versions can be restored.

Every wait is bounded (`wait_until`) and nothing asserts how long anything took."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from textual.content import Content
from textual.geometry import Region
from textual.widgets import Footer, OptionList

from tutor.app.messages import ExerciseSelected
from tutor.app.screens.confirm import ConfirmScreen
from tutor.app.screens.course_map import CourseMapScreen
from tutor.app.screens.exercise import ExerciseScreen
from tutor.app.screens.help import HelpScreen
from tutor.app.screens.history import HistoryScreen
from tutor.app.widgets.course_outline import CourseOutline
from tutor.app.widgets.editor import next_line_indent
from tutor.app.widgets.reflow_markdown import CONTINUATION, ReflowedFence, reflow
from tutor.app.widgets.result_panel import WARMING, ResultPanel
from tutor.grading.results import Verdict

REPO = Path(__file__).resolve().parent.parent
SOLUTION = (REPO / "solutions" / "relu_backward.py").read_text()
WRONG = "import numpy as np\n\n\ndef relu_backward(dout, x):\n    return dout * (x >= 0)\n"


def plain(widget) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as one line of plain text (wrapping must not split a phrase)."""
    import io

    from rich.console import Console

    content = widget.content
    if hasattr(content, "plain"):
        return " ".join(str(content.plain).split())
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    console.print(content)
    return " ".join(console.export_text().split())


async def open_exercise(app, pilot, wait_until, exercise_id: str = "relu_backward"):  # type: ignore[no-untyped-def]
    app.post_message(ExerciseSelected(exercise_id))
    await wait_until(pilot, lambda: isinstance(app.screen, ExerciseScreen)
                     and app.screen.exercise.id == exercise_id, "the exercise screen")
    await pilot.pause()
    return app.screen


async def check(screen, pilot, wait_until):  # type: ignore[no-untyped-def]
    before = screen.last_result
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: screen.last_result is not before and not screen.checking,
                     "the check")
    await pilot.pause()
    return screen.last_result


# -- state that tells the truth ----------------------------------------------------------------


def test_header_and_map_say_passed_before_once_the_file_breaks(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            screen.editor.text = SOLUTION
            assert (await check(screen, pilot, wait_until)).passed
            assert screen.sub_title.startswith("passes")
            # The learner breaks the file: saved, not checked yet.
            screen.editor.text = WRONG
            await pilot.press("ctrl+s")
            assert "passes" not in screen.sub_title
            assert "changed since its last check · passed before" in screen.sub_title
            # Checked: it fails now, and passed before.
            assert (await check(screen, pilot, wait_until)).verdict is Verdict.FAIL
            assert screen.sub_title.startswith("fails · passed before")
            await pilot.press("escape", "escape")
            await wait_until(pilot, lambda: isinstance(app.screen, CourseMapScreen), "the map")
            outline = app.screen.query_one(CourseOutline)
            row = str(outline.get_option("exercise:relu_backward").prompt)
            assert "✓" in row and "✔" not in row
            outline.highlight_id("exercise:relu_backward")
            await pilot.pause()
            assert "fails · passed before" in plain(app.screen.query_one("#details-body"))

    asyncio.run(scenario())


def test_the_last_report_shows_when_the_exercise_opens_again(tutor_app, wait_until,
                                                             tmp_path) -> None:
    workspace = tmp_path / "ws"

    async def first_visit() -> None:
        app = tutor_app(workspace=workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            screen.editor.text = WRONG
            assert (await check(screen, pilot, wait_until)).verdict is Verdict.FAIL

    async def relaunched() -> None:
        app = tutor_app(workspace=workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            panel = screen.query_one(ResultPanel)
            assert panel.state == "done" and panel.result is not None
            assert panel.result.verdict is Verdict.FAIL
            shown = plain(panel.body)
            assert "Your last check of this exercise." in shown
            assert "FAILED" in shown and "Likely mistake" in shown
            assert screen.query_one("TabbedContent").active == "result"
            assert screen.last_result is None  # no check was made on this screen
            # Edited since: the report says it is about an earlier version.
            screen.editor.text = SOLUTION
            await pilot.press("ctrl+s", "escape", "escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExerciseScreen), "back")
            screen = await open_exercise(app, pilot, wait_until)
            assert "an earlier version of your file" in plain(screen.query_one(ResultPanel).body)

    asyncio.run(first_visit())
    asyncio.run(relaunched())


class SlowStartingGrader:
    """The session's grader, as it is while the worker still imports PyTorch: `wait_ready`
    and `check` block until the test says the worker is ready."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real = real
        self.ready = threading.Event()

    def start(self) -> None:
        pass

    def wait_ready(self, timeout: float = 180.0) -> None:
        self.ready.wait(timeout)

    def check(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.ready.wait(180.0)
        return self.real.check(*args, **kwargs)

    def isolation(self):  # type: ignore[no-untyped-def]
        return self.real.isolation()

    def close(self) -> None:
        self.ready.set()


def test_the_first_check_says_the_grader_is_starting(tutor_app, grader, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        slow = SlowStartingGrader(grader)
        app.session._grader = slow
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await wait_until(pilot, lambda: app.grader_state == "starting", "the start")
                screen = await open_exercise(app, pilot, wait_until)
                panel = screen.query_one(ResultPanel)
                assert panel.state == "warming"  # said before any check, too
                screen.editor.text = SOLUTION
                await pilot.press("ctrl+r")
                await pilot.pause()
                assert screen.checking and panel.state == "warming"
                shown = plain(panel.body)
                assert WARMING in shown and "loading PyTorch" in shown
                assert " s" in shown and "relu_backward" in shown  # the seconds, the check
                assert "starting the grader" in plain(screen.query_one("#ex-status"))
                assert screen.query_one("TabbedContent").active == "result"
                slow.ready.set()  # PyTorch is loaded: the check runs
                await wait_until(pilot, lambda: app.grader_state == "ready", "ready")
                await wait_until(pilot, lambda: screen.last_result is not None, "the check")
                assert screen.last_result.passed
                assert panel.state == "done" and WARMING not in plain(panel.body)
        finally:
            slow.ready.set()

    asyncio.run(scenario())


# -- fits the screen -----------------------------------------------------------------------------


def test_reflow_keeps_every_character_and_marks_continuations() -> None:
    line = "n  = tanh( x·W_inᵀ + b_in  +  r ⊙ (h_prev·W_hnᵀ + b_hn) )      candidate state"
    for width in (20, 33, 45, 79, 200):
        rows = reflow(Content(line), width)
        assert all(row.cell_length <= width for row in rows)
        assert [r.plain.lstrip().startswith(CONTINUATION) for r in rows[1:]] == [True] * (
            len(rows) - 1)
        joined = " ".join(r.plain.replace(CONTINUATION, " ") for r in rows)
        assert joined.split() == line.split()
    assert len(reflow(Content(line), 200)) == 1  # fits: untouched


def test_long_formula_lines_are_wrapped_not_clipped(tutor_app, wait_until) -> None:
    """GRU's candidate line and LSTM's gate line, beside the editor at 80×24."""
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            for exercise_id, must_show in (
                    ("gru_cell", "r ⊙ (h_prev·W_hnᵀ + b_hn) ) candidate state"),
                    ("lstm_cell", "gates = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh shape (N, 4H)")):
                screen = await open_exercise(app, pilot, wait_until, exercise_id)
                await pilot.pause()
                fences = list(screen.query(ReflowedFence))
                assert fences
                shown = []
                wrapped = False
                for fence in fences:
                    code = fence.query_one("#code-content")
                    assert code.size.width < 45  # the split layout's narrow pane
                    strips = code.render_lines(Region(0, 0, *code.outer_size))
                    rows = [strip.text.rstrip() for strip in strips]
                    wrapped |= any(row.lstrip().startswith(CONTINUATION) for row in rows)
                    shown.append(" ".join(" ".join(rows).replace(CONTINUATION, " ").split()))
                    source = " ".join(fence.code.split())
                    assert source in shown[-1], f"{exercise_id}: a block lost text"
                assert wrapped, "no continuation marker: nothing was wrapped?"
                assert any(" ".join(must_show.split()) in text for text in shown)
                await pilot.press("escape", "escape")
                await wait_until(pilot, lambda: not isinstance(app.screen, ExerciseScreen),
                                 "back")

    asyncio.run(scenario())


def test_enter_auto_indents_and_dedents_after_return(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            editor = screen.editor
            assert not editor.soft_wrap  # code scrolls sideways, never wraps
            editor.text = ""
            await pilot.press(*"def f(x):", "enter", *"if x:", "enter", *"return 1",
                              "enter", *"y = [", "enter", *"2]", "enter", *"return y")
            assert editor.text == ("def f(x):\n    if x:\n        return 1\n    y = [\n"
                                   "        2]\n        return y")
            await pilot.press("enter")  # after return: one level less
            assert editor.text.endswith("return y\n    ")
            await pilot.press("backspace")  # in leading blanks: a whole level
            assert editor.text.endswith("return y\n")
            assert editor.cursor_location == (6, 0)

    asyncio.run(scenario())
    assert next_line_indent("    return_value = 3") == "    "  # not the keyword
    assert next_line_indent("        raise ValueError('x')") == "    "
    assert next_line_indent("    for i in range(3):  # loop") == "        "
    assert next_line_indent("pass") == ""


def test_esc_leaves_the_editor_in_every_layout(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            await pilot.press("f8", "f8")  # the editor alone, full width
            await pilot.pause()
            assert screen.layout_mode == "wide-editor" and screen.editor.has_focus
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and not screen.editor.has_focus
            assert "e or tab: edit" in plain(screen.query_one("#ex-status"))
            await pilot.press("r")  # the plain-letter keys work now: r checks
            await wait_until(pilot, lambda: screen.last_result is not None, "the check")
            await pilot.press("e")  # and e goes back into the editor
            await pilot.pause()
            assert screen.editor.has_focus
            await pilot.press("escape")  # split layout: the task pane gets the keys
            await pilot.pause()
            assert app.screen is screen and not screen.editor.has_focus
            await pilot.press("escape")  # again: back
            await wait_until(pilot, lambda: not isinstance(app.screen, ExerciseScreen), "back")

    asyncio.run(scenario())


def test_every_exercise_key_is_visible_or_reachable_at_80x24(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            footer = screen.query_one(Footer)
            await pilot.pause()
            keys = {k.action: k for k in footer.query("FooterKey")}
            for key in keys.values():  # none is cut off
                assert key.region.width > 0 and key.region.right <= 80, key.description
            shown = {b.action for b in ExerciseScreen.BINDINGS if b.show}  # type: ignore[union-attr]
            assert shown <= set(keys), shown - set(keys)
            assert "help" in keys and "back" in keys  # f1 Help (the app's) and esc Back
            # In the palette: in the editor, every key but "e" (edit: already there)...
            palette = {c.title for c in app.get_system_commands(screen)}
            for binding in ExerciseScreen.BINDINGS:
                if binding.action != "edit":  # type: ignore[union-attr]
                    assert binding.description in palette, binding.description  # type: ignore[union-attr]
            # ... and outside it, every key.
            await pilot.press("escape")
            await pilot.pause()
            palette = {c.title for c in app.get_system_commands(screen)}
            await pilot.press("f1")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            help_text = plain(app.screen.query_one(".dialog-scroll Static"))
            for binding in ExerciseScreen.BINDINGS:
                assert binding.description in palette, binding.description  # type: ignore[union-attr]
                assert (binding.tooltip or binding.description) in help_text  # type: ignore[union-attr]

    asyncio.run(scenario())


def test_lesson_and_map_footers_fit_80_columns(tutor_app, wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")  # the first lesson
            await wait_until(pilot, lambda: not isinstance(app.screen, CourseMapScreen),
                             "the lesson")
            await pilot.pause()
            for key in app.screen.query_one(Footer).query("FooterKey"):
                assert key.region.right <= 80, key.description
            assert any(k.action == "help" for k in app.screen.query("FooterKey"))

    asyncio.run(scenario())


def test_help_lists_the_training_screens_keys(tutor_app, wait_until) -> None:
    from tutor.app.screens.course_map import training_screen_available

    if not training_screen_available():
        return

    async def scenario() -> None:
        from tutor.app.screens.training import TrainingScreen  # type: ignore[import-not-found]

        app = tutor_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f1")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            help_text = plain(app.screen.query_one(".dialog-scroll Static"))
            assert "Training runs" in help_text
            for binding in TrainingScreen.BINDINGS:
                if getattr(binding, "id", None) and binding.description:  # type: ignore[union-attr]
                    assert (binding.tooltip or binding.description) in help_text  # type: ignore[union-attr]

    asyncio.run(scenario())


def test_history_lists_kept_versions_and_restores_one_after_asking(tutor_app,
                                                                    wait_until) -> None:
    async def scenario() -> None:
        app = tutor_app()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_exercise(app, pilot, wait_until)
            await pilot.press("f9")  # nothing kept yet: a notice, no dialog
            await pilot.pause()
            assert app.screen is screen
            screen.editor.text = SOLUTION
            assert (await check(screen, pilot, wait_until)).passed
            screen.editor.text = WRONG
            await check(screen, pilot, wait_until)
            path = app.session.workspace.path(screen.exercise)
            assert path.read_text() == WRONG
            await pilot.press("f9")
            await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
            history = app.screen
            options = history.query_one(OptionList)
            rows = [str(options.get_option_at_index(i).prompt)
                    for i in range(options.option_count)]
            assert len(rows) == 2 and "your file now" in rows[0] and "passed" in rows[1]
            assert "x >= 0" in plain(history.query_one("#history-code-body"))  # the newest
            await pilot.press("down")  # the older one, that passed
            await pilot.pause()
            assert "x > 0" in plain(history.query_one("#history-code-body"))
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("n")  # cancelled: nothing changes
            await wait_until(pilot, lambda: app.screen is screen, "back")
            assert path.read_text() == WRONG
            await pilot.press("f9")
            await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
            await pilot.press("down", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            await pilot.press("y")
            await wait_until(pilot, lambda: app.screen is screen, "back")
            assert path.read_text() == SOLUTION
            assert screen.editor.text == SOLUTION and not screen.dirty
            assert screen.sub_title.startswith("passes")

    asyncio.run(scenario())
