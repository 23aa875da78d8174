"""The check result: idle help, "checking…", the verdict with its failure report, or an error.

The report itself comes from `tutor.grading.render.render_result`, the same renderer as
`dltutor check`; everything the learner's code printed is already inert `rich.text.Text` there,
so nothing a learner prints can be read as markup or fake a verdict."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from tutor.grading.render import plain, render_result
from tutor.grading.results import CheckResult


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
    """idle | checking | done | error: what the panel shows now."""

    def __init__(self, *, idle_text: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._idle_text = idle_text
        self.result: CheckResult | None = None
        """The latest result shown, None before the first check."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self._idle_text, style="dim"), id="result-body")

    @property
    def body(self) -> Static:
        return self.query_one("#result-body", Static)

    def show_checking(self, what: str) -> None:
        self.state = "checking"
        self.body.update(Text(f"Checking {what}…\n\nYour code runs in a separate sandboxed "
                              "process; the app stays usable meanwhile.", style="italic"))

    def show_result(self, result: CheckResult) -> None:
        self.result = result
        self.state = "done"
        self.body.update(render_result(result))
        self.scroll_home(animate=False)

    def show_error(self, title: str, message: str) -> None:
        self.state = "error"
        self.body.update(Group(Text(title, style="bold red"), plain(message)))
        self.scroll_home(animate=False)
