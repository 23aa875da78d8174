"""The hints a learner has unlocked for one exercise, one at a time, oldest first."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.session import Hint


class HintList(VerticalScroll, can_focus=True):
    """Unlocked hints as numbered panels, with a line saying how many are left."""

    DEFAULT_CSS = """
    HintList {
        height: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, total: int, key: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = total
        self.key = key
        self.hints: list[Hint] = []

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(self._render_hints(), id="hint-body")

    def set_hints(self, hints: list[Hint]) -> None:
        self.hints = list(hints)
        self.query_one("#hint-body", Static).update(self._render_hints())
        self.scroll_end(animate=False)

    def _render_hints(self) -> RenderableType:
        if not self.total:
            return Text("This exercise has no hints.", style="dim")
        parts: list[RenderableType] = [
            Panel(Text(h.text), title=f"Hint {h.number} of {h.total}", title_align="left")
            for h in self.hints]
        left = self.total - len(self.hints)
        if left:
            parts.append(Text(f"{left} hint{'s' if left > 1 else ''} left: press {self.key} to "
                              f"unlock the {'first' if not self.hints else 'next'} one.",
                              style="dim"))
        else:
            parts.append(Text("That was the last hint. Still stuck? The solution unlocks after "
                              "a real attempt.", style="dim"))
        return Group(*parts)
