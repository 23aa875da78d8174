"""The kept versions of one exercise file, newest first, with the highlighted one's code; choosing
one returns its number (the exercise screen asks before restoring it).

| key        | action                                  |
| ---------- | --------------------------------------- |
| up / down  | move through the versions (code below)  |
| enter      | restore the highlighted version (asks)  |
| esc, q     | close                                   |

A version is kept each time the file is checked, reset or replaced by a restore
(`Session.history`), so a learner can always go back to the code that passed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.present import theme_style, verdict
from tutor.progress import Version

WHY = {"check": "checked", "reset": "replaced by a reset", "restore": "replaced by a restore"}


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def version_row(version: Version, current: int | None) -> Content:
    """`#3  2025-05-01 14:03  passed 100%  checked  ← your file now`"""
    look = verdict(version.verdict)
    verdict_word, style = look.short, theme_style(look.tone)
    score = f" {version.score:.0%}" if version.score is not None and version.verdict else ""
    return Content.assemble(
        (f"#{version.number:<3d}", "bold"), f" {_when(version.when)}  ",
        (f"{verdict_word}{score}", style), (f"  {WHY.get(version.reason, version.reason)}",
                                       "$text-muted"),
        ("  ← your file now", "$text-accent") if version.number == current else "")


class HistoryScreen(ModalScreen[int | None]):
    """Pick a kept version of the learner's file; dismisses with its number, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "restore", "Restore", id="history.restore",
                tooltip="Restore the highlighted version (asks first)"),
        Binding("escape,q", "close", "Close", id="history.close"),
    ]

    DEFAULT_CSS = """
    HistoryScreen #history-list {
        height: auto;
        max-height: 8;
        border: none;
        padding: 0;
    }
    HistoryScreen #history-code {
        height: 1fr;
        margin-top: 1;
        background: $boost;
    }
    """

    def __init__(self, file_name: str, versions: Sequence[Version], current: int | None,
                 content: Callable[[int], bytes | None]) -> None:
        """`current`: the version number the file holds now (None: not kept); `content`: reads
        a version's code by number."""
        super().__init__(classes="dialog")
        self.file_name = file_name
        self.versions = sorted(versions, key=lambda v: v.number, reverse=True)
        self.current = current
        self._content = content

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(f"Kept versions of {self.file_name}", classes="dialog-title",
                         markup=False)
            yield OptionList(*[Option(version_row(v, self.current), id=str(v.number))
                               for v in self.versions], id="history-list")
            with VerticalScroll(id="history-code", can_focus=False):
                yield Static(id="history-code-body")
            yield Static("enter: restore the highlighted version (your file now is kept as a "
                         "version first) · esc: close", classes="dialog-detail", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.versions:
            options.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        body = self.query_one("#history-code-body", Static)
        number = int(event.option_id or 0)
        content = self._content(number)
        if content is None:
            body.update(Text(f"Version {number} cannot be read.", style="italic"))
            return
        body.update(highlight(content.decode("utf-8", "replace"), language="python"))
        self.query_one("#history-code", VerticalScroll).scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option_id or 0))

    def action_restore(self) -> None:
        # (the list answers enter itself when it has the focus; this is for the palette)
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(int(options.get_option_at_index(options.highlighted).id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
