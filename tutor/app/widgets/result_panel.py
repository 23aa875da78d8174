"""The check result: idle help, the grader warming up, "checking…", the verdict with its failure
report, or an error.

The report itself comes from `tutor.grading.render.render_result`, the same renderer as
`dltutor check`; everything the learner's code printed is already inert `rich.text.Text` there,
so nothing a learner prints can be read as markup or fake a verdict.

The first check of a session waits for the grading worker to import PyTorch (seconds). Rather
than a bare "checking…" for that long, the panel says what is happening and counts the seconds
(`show_warming`), then switches to "checking…" once the grader is ready."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from tutor.grading.render import plain, render_result
from tutor.grading.results import CheckResult
from tutor.present import theme_palette

WARMING = "Starting the grader — loading PyTorch"
"""The first words of the panel while the grading worker starts (tests look for them)."""


class ResultPanel(VerticalScroll, can_focus=True):
    """A scrollable panel showing the latest check of one exercise."""

    DEFAULT_CSS = """
    ResultPanel {
        height: 1fr;
        padding: 0 1;
        background: $surface;
    }
    ResultPanel > #result-body {
        width: 1fr;
    }
    """

    state: reactive[str] = reactive("idle")
    """idle | warming | checking | done | error: what the panel shows now."""

    def __init__(self, *, idle_text: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._idle_text = idle_text
        self._warming_since = 0.0
        self._warming_what = ""
        self._ticker: Timer | None = None
        self.result: CheckResult | None = None
        """The latest result shown, None before the first check."""
        self.note = ""
        """The line shown above that result's report (where it comes from), if any."""
        self._error: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self._idle_text, style="dim"), id="result-body")

    @property
    def body(self) -> Static:
        return self.query_one("#result-body", Static)

    def watch_state(self, state: str) -> None:
        # The seconds count only while warming; the timer stops with it.
        if state == "warming" and self._ticker is None:
            self._ticker = self.set_interval(1.0, self._show_warming)
        elif state != "warming" and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def show_warming(self, what: str, since: float) -> None:
        """The check of `what` waits for the grader, starting since `since` (monotonic)."""
        self._warming_what, self._warming_since = what, since
        self.state = "warming"
        self._show_warming()

    def _show_warming(self) -> None:
        seconds = max(0, int(time.monotonic() - self._warming_since))
        lines = [Text(f"{WARMING}… {seconds} s", style="bold"), Text("")]
        if self._warming_what:
            lines.append(Text(f"Your check of {self._warming_what} runs as soon as it is ready. "
                              "Only the first check of a session waits for this; the next ones "
                              "take a moment."))
        else:
            lines.append(Text("It imports PyTorch once, so that every check after that is fast. "
                              "Meanwhile, read the task and write your code.", style="dim"))
        self.body.update(Group(*lines))

    def show_checking(self, what: str) -> None:
        self.state = "checking"
        self.body.update(Text(f"Checking {what}…\n\nYour code runs in a separate sandboxed "
                              "process; the app stays usable meanwhile.", style="italic"))

    def show_result(self, result: CheckResult, note: str = "") -> None:
        """The report of `result`; `note` (one dim line above it) says where it comes from when
        it is not a check just made (the last one, shown when the exercise opens)."""
        self.result, self.note = result, note
        self.state = "done"
        report: RenderableType = render_result(result, palette=self._palette())
        self.body.update(Group(Text(note, style="dim italic"), Text(""), report) if note
                         else report)
        self.scroll_home(animate=False)

    def show_error(self, title: str, message: str) -> None:
        self.state = "error"
        self._error = (title, message)
        self.body.update(Group(Text(title, style="bold " + self._palette()["error"]),
                               plain(message)))
        self.scroll_home(animate=False)

    def _palette(self) -> dict[str, str]:
        return theme_palette(self.app.theme_variables)

    def _theme_changed(self) -> None:
        """Redraw a report in the new theme's colours."""
        if self.state == "done" and self.result is not None:
            self.show_result(self.result, self.note)
        elif self.state == "error" and self._error is not None:
            self.show_error(*self._error)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self._theme_changed(), init=False)

    def show_idle(self) -> None:
        """Back to the idle help (the grader got ready before any check)."""
        self.state = "idle"
        self.body.update(Text(self._idle_text, style="dim"))
