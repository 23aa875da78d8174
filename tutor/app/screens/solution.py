"""The reference solution of an exercise, read-only, in a dialog over the exercise.

| key        | action |
| ---------- | ------ |
| esc, q     | close  |
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.highlight import highlight
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class SolutionScreen(ModalScreen[None]):
    """Show one exercise's reference solution with Python highlighting that follows the theme."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close", id="solution.close")]

    def __init__(self, exercise_id: str, source: str) -> None:
        super().__init__(classes="dialog")
        self.exercise_id = exercise_id
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(f"Reference solution: {self.exercise_id}", classes="dialog-title",
                         markup=False)
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(highlight(self.source, language="python"), classes="code")
            yield Static("Compare it with yours, then close this and write it in your own "
                         "words: you learn more from typing it than from reading it.",
                         classes="dialog-detail", markup=False)
        yield Footer(compact=True)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
