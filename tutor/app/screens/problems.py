"""Content that could not be loaded (a broken exercise.toml, a lesson listing a missing
exercise), listed so a learner or an instructor knows what is missing and why.

| key    | action |
| ------ | ------ |
| esc, q | close  |
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ProblemsScreen(ModalScreen[None]):
    """One line per problem, as the loader reported it (file and fix)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close", id="problems.close")]

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__(classes="dialog")
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(f"{len(self.problems)} content problem"
                         f"{'s' if len(self.problems) != 1 else ''}", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                for problem in self.problems:
                    yield Static(Text("• " + problem), classes="problem")
            yield Static("The rest of the course works. `dltutor validate` checks a pack in "
                         "detail. Press esc to close.", classes="dialog-detail", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
